"""The supporters' phone page, opened by their personal drill link (no account)."""

from django.urls import URLPattern, path

from pages import drill_phone_views

urlpatterns: list[URLPattern] = [
    path("drill/<str:token>/", drill_phone_views.drill_supporter, name="drill_supporter"),
]
