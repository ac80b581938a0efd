-- A policy that "helpfully" shows everything when the tenant setting was never set — the state of a
-- fresh connection whose code forgot set_config. An empty setting ('') still matches nothing, so only a
-- probe on a connection where the setting was never defined catches it.
DROP POLICY users_tenant_isolation ON public.users;
CREATE POLICY users_tenant_isolation ON public.users AS PERMISSIVE FOR ALL TO c2pro_app
    USING (current_setting('app.current_tenant', true) IS NULL
           OR tenant_id = nullif(current_setting('app.current_tenant', true), '')::uuid)
    WITH CHECK (current_setting('app.current_tenant', true) IS NULL
           OR tenant_id = nullif(current_setting('app.current_tenant', true), '')::uuid);
