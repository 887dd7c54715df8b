from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrintoutsConfig(AppConfig):
    name = "printouts"
    verbose_name = _("Printouts")

    def ready(self) -> None:
        # Connects the receiver that marks a bundle failed when its task fails for good.
        from printouts import tasks  # noqa: F401
