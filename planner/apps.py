from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlannerConfig(AppConfig):
    name = "planner"
    verbose_name = _("Planner")

    def ready(self) -> None:
        # Connects the receiver that marks a run failed when its queued task fails for good.
        from planner import tasks  # noqa: F401
