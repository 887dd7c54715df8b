"""Shared test set-up: every test that touches the database uses the real PostGIS."""

from collections.abc import Iterator

import pytest
from django.test import override_settings

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _tasks_at_once(request: pytest.FixtureRequest) -> Iterator[None]:
    """Tasks run at once, in the test's own transaction, unless the test is marked `queue`:
    those put them on the real queue and start real workers (tests/queue)."""
    if request.node.get_closest_marker("queue"):
        yield
        return
    with override_settings(TASKS=IMMEDIATE):
        yield
