"""Signed-in test clients for the pages."""

from django.contrib.auth import get_user_model
from django.test import Client

PASSWORD = "a-long-password-for-tests"


def as_user(username: str) -> Client:
    """A client signed in as the user with this name."""
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client
