-- INSERT revoked from the application: every insert is refused, so "refused" would prove nothing
-- about the policy. The own-tenant control must go red.
REVOKE INSERT ON public.extractions FROM c2pro_app;
