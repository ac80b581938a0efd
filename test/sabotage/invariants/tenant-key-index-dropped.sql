-- Sabotage (invariant.tenant-key-index): every index of stakeholders whose first column is tenant_id
-- goes (a key constraint behind one is dropped with the foreign keys using it), so each tenant's query
-- scans all tenants.
DO $$
DECLARE
  idx record;
BEGIN
  FOR idx IN
    SELECT ic.relname, con.conname
      FROM pg_index i
      JOIN pg_class ic ON ic.oid = i.indexrelid
      JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
      LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid AND con.conrelid = i.indrelid
                                  AND con.contype IN ('p', 'u', 'x')
     WHERE i.indrelid = 'public.stakeholders'::regclass AND a.attname = 'tenant_id'
  LOOP
    IF idx.conname IS NULL THEN
      EXECUTE format('DROP INDEX public.%I', idx.relname);
    ELSE
      EXECUTE format('ALTER TABLE public.stakeholders DROP CONSTRAINT %I CASCADE', idx.conname);
    END IF;
  END LOOP;
END $$;
