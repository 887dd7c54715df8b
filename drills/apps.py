from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DrillsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "drills"
    verbose_name = _("Drills and safety checks")

    def ready(self) -> None:
        # Connects the receiver that records a drill's e-mail that failed for good.
        from drills import tasks  # noqa: F401
