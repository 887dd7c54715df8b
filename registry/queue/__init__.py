"""Long work in the background: Django's task framework (`django.tasks`) on procrastinate's
queue in the project's own PostgreSQL database.

Tasks are written with Django's `@task` and know nothing of the queue. `backend` puts them on
procrastinate's job table; `runner` is the one procrastinate task that runs them in a worker
(`manage.py worker`), and the periodic check that gives the work of a worker that died to
another one. Workers may run on any machine that reaches the database, as many as wanted."""
