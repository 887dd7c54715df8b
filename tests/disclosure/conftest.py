"""The fixture town of the disclosure probe, built for each test that asks for it."""

import pytest

from tests.disclosure.town import Town, build_town, leave_personal_values_in_the_log


@pytest.fixture
def town(db: None) -> Town:
    built = build_town()
    leave_personal_values_in_the_log(built)
    return built
