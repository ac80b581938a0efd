-- Sabotage (ce23.privileges.audit-append-only): the application may delete audit rows (through
-- PUBLIC), so it can erase its own tenant's trail within the policy.
GRANT DELETE ON public.audit_logs TO PUBLIC;
