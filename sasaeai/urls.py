"""Sasaeai's URLs: the admin for city officers, and language switching."""

from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

admin.site.site_header = _("Sasaeai: evacuation support registry")
admin.site.site_title = _("Sasaeai")
admin.site.index_title = _("Registry of people needing evacuation support")

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
