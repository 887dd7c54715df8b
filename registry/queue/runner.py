"""What a worker runs: every task of Django's task framework goes through `run_task`, and
`recover` gives the job of a worker that died to another one.

A worker sends a heartbeat every few seconds. A job whose worker has been silent for
`SASAEAI_QUEUE_STALLED_SECONDS` (killed, its machine gone) is put back on the queue; it starts
again from the beginning, so tasks are written to be run again safely: their results are
committed in one transaction at the end, and a task whose result exists already returns it.
After `SASAEAI_QUEUE_ATTEMPTS` tries the task fails with the reason, and whoever listens to
`task_finished` (the plan run, the print job) marks its own row failed."""

import logging
from traceback import format_exception
from typing import Any

from django.conf import settings
from django.db import close_old_connections
from django.tasks import TaskContext, TaskResult, TaskResultStatus, task_backends
from django.tasks.base import TaskError
from django.tasks.signals import task_finished, task_started
from django.utils import timezone
from django.utils.json import normalize_json
from django.utils.module_loading import import_string
from procrastinate import JobContext
from procrastinate.contrib.django import app

logger = logging.getLogger(__name__)


class WorkerLost(Exception):
    """The task's worker stopped before the task ended, as many times as allowed."""


def _error(error: BaseException) -> TaskError:
    kind = type(error)
    return TaskError(
        exception_class_path=f"{kind.__module__}.{kind.__qualname__}",
        traceback="".join(format_exception(error)),
    )


@app.task(name="sasaeai.run", pass_context=True)
def run_task(
    context: JobContext, task: str, args: list[Any], kwargs: dict[str, Any], backend: str
) -> Any:
    django_task = import_string(task)
    job = context.job
    now = timezone.now()
    result: TaskResult[Any, Any] = TaskResult(
        task=django_task, id=str(job.id), status=TaskResultStatus.RUNNING, enqueued_at=None,
        started_at=now, last_attempted_at=now, finished_at=None, args=args, kwargs=kwargs,
        backend=backend, errors=[], worker_ids=[str(job.worker_id or context.worker_name)],
    )  # fmt: skip
    sender = type(task_backends[backend])
    # A worker thread keeps its connection between jobs: one that broke since is replaced.
    close_old_connections()
    task_started.send(sender, task_result=result)
    logger.info("job %s: %s, attempt %s", job.id, task, job.attempts + 1)
    try:
        if job.attempts >= settings.QUEUE_ATTEMPTS:
            raise WorkerLost(
                f"the worker running this task stopped {job.attempts} times; not tried again"
            )
        if django_task.takes_context:
            value = django_task.call(TaskContext(task_result=result), *args, **kwargs)
        else:
            value = django_task.call(*args, **kwargs)
    except Exception as error:
        object.__setattr__(result, "status", TaskResultStatus.FAILED)
        object.__setattr__(result, "finished_at", timezone.now())
        result.errors.append(_error(error))
        logger.warning("job %s: %s failed: %s", job.id, task, type(error).__name__)
        task_finished.send(sender, task_result=result)
        raise
    else:
        object.__setattr__(result, "status", TaskResultStatus.SUCCESSFUL)
        object.__setattr__(result, "finished_at", timezone.now())
        object.__setattr__(result, "_return_value", normalize_json(value))
        task_finished.send(sender, task_result=result)
        return value
    finally:
        close_old_connections()


@app.periodic(cron=f"* * * * * */{settings.QUEUE_RECOVER_EVERY_SECONDS}")
@app.task(name="sasaeai.recover", queueing_lock="sasaeai.recover", pass_context=True)
async def recover(context: JobContext, timestamp: int) -> int:
    """Put back on the queue the jobs of workers silent for too long. Any worker runs it, one
    at a time (procrastinate defers each periodic tick once)."""
    manager = context.app.job_manager
    seconds = settings.QUEUE_STALLED_SECONDS
    stalled = list(await manager.get_stalled_jobs(seconds_since_heartbeat=seconds))
    for job in stalled:
        logger.warning("job %s: its worker stopped; queued again", job.id)
        await manager.retry_job(job)
    return len(stalled)


@app.periodic(cron="17 3 * * *")
@app.task(
    name="sasaeai.forget_old_jobs", queueing_lock="sasaeai.forget_old_jobs", pass_context=True
)
async def forget_old_jobs(context: JobContext, timestamp: int) -> None:
    """Once a night: forget the queue's rows of jobs ended more than `SASAEAI_QUEUE_KEEP_DAYS`
    ago (their outcome stays on the plan run or print job they worked for)."""
    await context.app.job_manager.delete_old_jobs(
        nb_hours=settings.QUEUE_KEEP_DAYS * 24, include_failed=True
    )
