DROP TABLE app.task_labels;
DROP VIEW app.open_tasks;
DROP TABLE app.events;
