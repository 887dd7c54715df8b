"""A home placed at its town's (町丁目) point, on paper: the officer's copy says under the map
that the point is approximate; the other copies print the plan as before."""

import pytest
from django.utils import translation

from printouts.bundle import render_bundle
from printouts.plan_pdf import render_plan
from printouts.services import neighbourhood_sheets
from printouts.sheets import plan_sheet
from registry.models.choices import Placed
from tests.printouts.test_printouts import flat, pages_of, text_of

pytestmark = pytest.mark.django_db

NOTE_JA = flat("地図上の自宅の位置は町丁目の代表点です（おおよそ）")
NOTE_EN = flat("The home on the map is its town's (町丁目) representative point (approximate).")


def _plan(person, copy_for: str, lang: str = "ja") -> str:
    with translation.override(lang):
        sheet = plan_sheet(person, copy_for=copy_for)
    return text_of(render_plan(sheet, lang, copy_for=copy_for))


def _placed_at_town(person):
    person.placed = Placed.TOWN
    person.save(update_fields=["placed"])
    return person


def test_the_officer_copy_says_a_town_point_is_approximate(town):
    hanako = _placed_at_town(town["hanako"])

    officer = _plan(hanako, "officer")
    association = _plan(hanako, "association")
    family = _plan(hanako, "family")

    assert NOTE_JA in officer
    assert NOTE_JA not in association and NOTE_JA not in family
    assert "市職員用" in officer and "自治会用" in association


def test_the_officer_copy_says_it_in_english_too(town):
    hanako = _placed_at_town(town["hanako"])

    assert NOTE_EN in _plan(hanako, "officer", "en")


def test_a_home_placed_any_other_way_has_no_note(town):
    for placed in (Placed.GIVEN, Placed.BLOCK, Placed.HAND):
        town["hanako"].placed = placed
        town["hanako"].save(update_fields=["placed"])

        assert NOTE_JA not in _plan(town["hanako"], "officer")


def test_the_officer_bundle_notes_it_under_that_persons_map_only(town):
    _placed_at_town(town["hanako"])

    def bundle(copy_for: str) -> str:
        _people, sheets = neighbourhood_sheets(town["area"], copy_for=copy_for, lang="ja")
        return text_of(
            render_bundle(
                neighbourhood="本町", association="本町町内会", sheets=sheets, copy_for=copy_for
            )
        )

    assert bundle("officer").count(NOTE_JA) == 1
    assert NOTE_JA not in bundle("association")


def test_the_note_takes_the_room_of_the_map_not_a_page_more(town):
    hanako = town["hanako"]
    with translation.override("ja"):
        given = render_plan(plan_sheet(hanako, copy_for="officer"), "ja", copy_for="officer")
    _placed_at_town(hanako)
    with translation.override("ja"):
        noted = render_plan(plan_sheet(hanako, copy_for="officer"), "ja", copy_for="officer")

    assert NOTE_JA in text_of(noted) and NOTE_JA not in text_of(given)
    assert pages_of(noted) == pages_of(given) == 2
