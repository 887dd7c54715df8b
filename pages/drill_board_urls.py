"""URLs of the drills pages (filled in as they are built)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
