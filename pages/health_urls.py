"""The health answer for load balancers (no login); see pages/health.py."""

from django.urls import URLPattern, path

from pages import health

urlpatterns: list[URLPattern] = [
    path("health/", health.health, name="health"),
]
