DROP TABLE workspaces;
DROP ROLE team_app;
