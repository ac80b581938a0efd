-- Not a sabotage: a tenant table with no rows. Its list query measures nothing, so its CE-26 checks
-- must say "not applicable", never pass on nothing.
TRUNCATE stakeholder_wbs_raci;
