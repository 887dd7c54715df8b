from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoutesConfig(AppConfig):
    name = "routes"
    verbose_name = _("Streets and routes")
    default_auto_field = "django.db.models.BigAutoField"
