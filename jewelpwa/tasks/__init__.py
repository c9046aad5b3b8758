"""Background work on RQ: queues, jobs (take ids, run in the app's context), the periodic schedule, the worker and scheduler processes."""
