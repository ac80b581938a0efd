-- The role gate.config.ts names no longer exists. Cluster-wide, own server only.
ALTER ROLE c2pro_app RENAME TO c2pro_application;
