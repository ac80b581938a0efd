-- Sabotage (ce23.privileges.default-privileges): every table the connecting role creates in public
-- from now on is readable and writable by PUBLIC before anyone enables RLS on it.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT ON TABLES TO PUBLIC;
