-- SUPERUSER on the application role: no policy applies to it. Cluster-wide, own server only.
ALTER ROLE c2pro_app SUPERUSER;
