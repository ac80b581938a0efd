DROP TABLE app.tasks;
DROP TABLE app.projects;
DROP TABLE app.users;
DROP TYPE app.task_status;
