"""The task framework's backend for procrastinate: `enqueue` writes a job row (in the caller's
transaction, through Django's own connection, so that a job and the rows it works on are
committed together) and `get_result` reads it back."""

from typing import Any

from django.tasks import Task, TaskResult, TaskResultStatus
from django.tasks.backends.base import BaseTaskBackend
from django.tasks.exceptions import TaskResultDoesNotExist
from django.tasks.signals import task_enqueued
from django.utils import timezone
from django.utils.module_loading import import_string
from procrastinate.contrib.django.models import ProcrastinateJob

# procrastinate's job states as the task framework names them.
STATUSES = {
    "todo": TaskResultStatus.READY,
    "doing": TaskResultStatus.RUNNING,
    "succeeded": TaskResultStatus.SUCCESSFUL,
    "failed": TaskResultStatus.FAILED,
    "cancelled": TaskResultStatus.FAILED,
    "aborting": TaskResultStatus.RUNNING,
    "aborted": TaskResultStatus.FAILED,
}


class QueueBackend(BaseTaskBackend):
    supports_defer = True
    supports_get_result = True
    supports_priority = True

    def enqueue(self, task: Task[Any, Any], args: Any, kwargs: Any) -> TaskResult[Any, Any]:
        self.validate_task(task)
        # Imported here: the runner registers a task on procrastinate's app, which exists only
        # once Django's apps are ready, while settings may import this module earlier.
        from registry.queue.runner import run_task

        job_id = run_task.configure(
            queue=task.queue_name, priority=task.priority, schedule_at=task.run_after
        ).defer(task=task.module_path, args=list(args), kwargs=dict(kwargs), backend=self.alias)
        result: TaskResult[Any, Any] = TaskResult(
            task=task,
            id=str(job_id),
            status=TaskResultStatus.READY,
            enqueued_at=timezone.now(),
            started_at=None,
            last_attempted_at=None,
            finished_at=None,
            args=list(args),
            kwargs=dict(kwargs),
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )
        task_enqueued.send(type(self), task_result=result)
        return result

    def get_result(self, result_id: str) -> TaskResult[Any, Any]:
        job = ProcrastinateJob.objects.filter(pk=int(result_id) if result_id.isdigit() else -1)
        row = job.values("status", "args", "scheduled_at", "attempts", "worker_id").first()
        if row is None:
            raise TaskResultDoesNotExist(result_id)
        args = row["args"]
        task = import_string(args["task"])
        return TaskResult(
            task=task,
            id=result_id,
            status=STATUSES.get(row["status"], TaskResultStatus.READY),
            enqueued_at=None,
            started_at=None,
            last_attempted_at=None,
            finished_at=None,
            args=args.get("args", []),
            kwargs=args.get("kwargs", {}),
            backend=self.alias,
            errors=[],
            worker_ids=[str(row["worker_id"])] if row["worker_id"] else [],
        )
