"""Sasaeai's URLs: the pages, logins, the admin for city officers, and language switching.
Errors (403, 404, 500) use Django's handlers with the templates in sasaeai/templates."""

from django.apps import apps
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from pages.account_views import SiteLoginView

admin.site.site_header = _("Sasaeai: evacuation support registry")
admin.site.site_title = _("Sasaeai")
admin.site.index_title = _("Registry of people needing evacuation support")
# The queue's own tables are for operators (`manage.py procrastinate`, the health URL); the
# pages show each plan run's and print job's progress and failures to the people who started
# them, and the admin keeps to the registry and its audit log.
for _queue_model in apps.get_app_config("procrastinate").get_models():
    if admin.site.is_registered(_queue_model):
        admin.site.unregister(_queue_model)

urlpatterns = [
    path("", include("pages.urls")),
    path("accounts/login/", SiteLoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
