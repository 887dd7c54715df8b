"""What a task's `task_finished` receiver needs to know: whether this result is a failure for
good of the task it looks after, and why, in one line for the page that shows it."""

from typing import Any

from django.tasks import Task, TaskResult, TaskResultStatus


def failure_reason(result: TaskResult[Any, Any], task: Task[Any, Any]) -> str | None:
    """The last line of the error (its type and message) when `result` is `task` failing for
    good; None for any other result. A task is retried only when its worker dies, so a failure
    that reaches the receivers is the last one."""
    if result.status != TaskResultStatus.FAILED or result.task.module_path != task.module_path:
        return None
    if not result.errors:
        return ""
    lines = result.errors[-1].traceback.strip().splitlines()
    return lines[-1] if lines else ""
