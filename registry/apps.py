from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = _("Registry")

    def ready(self) -> None:
        # Connects the receiver that marks an import failed when its queued task fails for good.
        from registry import tasks  # noqa: F401
