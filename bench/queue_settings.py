"""Settings for bench.queue_choice: the project's own, plus django-tasks-db's table and a second
task backend ("db") beside procrastinate's, so that both queues run the same tasks on one
database."""

from sasaeai.settings import *  # noqa: F403
from sasaeai.settings import INSTALLED_APPS, TASKS

INSTALLED_APPS = [*INSTALLED_APPS, "django_tasks_db"]
TASKS = {**TASKS, "db": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
