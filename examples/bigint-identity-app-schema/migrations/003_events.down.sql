DROP VIEW app.open_tasks;
DROP TABLE app.events;
