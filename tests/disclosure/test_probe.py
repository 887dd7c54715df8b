"""The disclosure probe (issue 10, "Done when"): every URL the URL configuration holds, as every
role, in and out of scope, with and without an active emergency disclosure, each response's
text (PDF and spreadsheets included) searched for people, health details and supporters the
user may not see; and every look under an emergency marked in the audit log."""

import pytest
from django.urls import reverse

from registry.access import can_see_health, persons_visible_to
from tests.disclosure.doors import (
    PAGE_QUERIES,
    QUERY_VALUES,
    doors,
    patterns,
    query_parameters_read,
)
from tests.disclosure.extract import text_of
from tests.disclosure.forbidden import health_values, secrets_for, squeeze
from tests.disclosure.probe import Finding, Walk, report, walk_roles
from tests.disclosure.town import Town, client_for, open_emergency

pytestmark = pytest.mark.django_db


def test_it_knows_how_to_fill_every_url_pattern(town: Town) -> None:
    """A URL added later fails here until the probe knows how to fill its parameters."""
    filled = {door.route for door in doors(town)}
    unfilled = [p.route for p in patterns() if p.route not in filled]
    assert not unfilled, f"URL patterns the probe fetches nothing for: {unfilled}"


def test_it_knows_every_query_parameter_the_pages_read() -> None:
    read = query_parameters_read()
    unknown = {name: files for name, files in read.items() if name not in QUERY_VALUES}
    assert not unknown, f"query parameters the probe has no values for: {unknown}"
    names = {p.name for p in patterns()}
    assert set(PAGE_QUERIES) <= names, set(PAGE_QUERIES) - names


def test_it_sees_what_it_searches_for_when_the_user_may_see_it(town: Town) -> None:
    """The probe can fail: an officer's plan PDF, map and page hold the values it searches
    for, so text extraction finds them where they are."""
    person = town.people["in_consent"]
    officer = client_for(town.users["officer"])
    for url in (
        reverse("person_plan_pdf", args=[person.pk]),
        reverse("person_plan_pdf", args=[person.pk]) + "?lang=en",
        reverse("person", args=[person.pk]),
        reverse("admin:registry_person_change", args=[person.pk]),
    ):
        text = squeeze(text_of(officer.get(url)))
        assert squeeze(person.name) in text, url
        for what, value in health_values(person):
            in_language = ("lang=en" in url) == value.isascii()
            if what == "medication" or (what in ("medical device", "reason") and in_language):
                assert squeeze(value) in text, (url, what, value)
    # The medical contacts show on the page and in the admin (paper carries them later).
    for url in (
        reverse("person", args=[person.pk]),
        reverse("admin:registry_person_change", args=[person.pk]),
    ):
        text = squeeze(text_of(officer.get(url)))
        contacts = [v for what, v in health_values(person) if what.startswith("medical contact")]
        assert len(contacts) == 6, contacts
        for value in contacts:
            assert squeeze(value) in text, (url, value)
    bundle = squeeze(text_of(officer.get(reverse("neighbourhood_bundle", args=["N1"]))))
    assert squeeze(person.name) in bundle
    geojson = squeeze(text_of(officer.get(reverse("neighbourhood_map", args=["N1"]))))
    assert squeeze(person.name) in geojson
    # And it searches for them when the user may not: the commissioner sees the person but
    # not the health, the auditor nobody.
    commissioner = {s.value for s in secrets_for(town.users["commissioner"], town)}
    assert squeeze(person.medication) in commissioner and squeeze(person.name) not in commissioner
    assert squeeze(person.doctor_phone) in commissioner
    auditor = {s.value for s in secrets_for(town.users["auditor"], town)}
    assert squeeze(person.name) in auditor and squeeze("支援 近所") in auditor


def test_it_sees_the_scope_as_registry_access_says(town: Town) -> None:
    people = town.people
    association = set(persons_visible_to(town.users["association"]).values_list("pk", flat=True))
    assert association == {people["in_consent"].pk, people["in_ordinance"].pk}
    assert not can_see_health(town.users["commissioner"], people["in_consent"])
    open_emergency(town)
    association = set(persons_visible_to(town.users["association"]).values_list("pk", flat=True))
    assert people["in_refused"].pk in association and people["out_refused"].pk not in association


def test_no_door_discloses_what_the_user_may_not_see(town: Town) -> None:
    """The walk: every door, every role, first in normal times, then under an emergency
    disclosure of N1 declared by one officer and confirmed by a second."""
    walk = walk_roles(town, emergency=False, walk=Walk(findings=[]))
    open_emergency(town)
    walk = walk_roles(town, emergency=True, walk=walk)
    print(report(walk))
    findings: list[Finding] = walk.findings
    assert not findings, report(walk)
