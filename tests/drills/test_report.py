"""The after-action report: its figures from reports at known times, the JSON of `drill report
--json`, the PDF with a plot per neighbourhood, the report page per role, and the findings fed
back into the plans."""

import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from pypdf import PdfReader

from drills.models import CheckState, DrillSupporter
from drills.report import drill_figures, report_json, steps
from drills.services import drill_report, drill_start
from planner.models import PlanReview
from planner.scenario import Scenario
from planner.services import plan_run_create
from printouts.drill_report import render_drill_report
from registry.management.commands.create_user import user_create_with_role
from registry.models import AuditEntry, Supporter
from tests.clients import PASSWORD, as_user
from tests.factories import (
    at,
    make_neighbourhood,
    make_person,
    make_shelter,
    make_supporter,
    square,
)

pytestmark = pytest.mark.django_db
NIGHT = ["weekday_night", "weekend_day"]


@pytest.fixture
def drill():
    """Two neighbourhoods planned for a flood on a weekday night; a drill that started an hour
    ago with reports at known minutes: P-1 contacted at 2, arrived at 30; P-2 unreachable at
    5, then contacted at 12; P-3 (no supporter) never reached; P-9 in the other area needs
    help at 4 with a note; one supporter (S-3) sends nothing."""
    north = make_neighbourhood(code="N1", name="北町", geom=square(-1000, -1000, 1000, 1000))
    south = make_neighbourhood(code="N2", name="南町", geom=square(-1000, 1000, 1000, 3000))
    make_shelter(location=at(0, 800), hazards=["flood"])
    people = {
        "P-1": make_person(external_id="P-1", name="山田 花子", location=at(0, 0),
                           neighbourhood=north),
        "P-2": make_person(external_id="P-2", name="佐藤 一郎", location=at(300, 0),
                           neighbourhood=north),
        "P-3": make_person(external_id="P-3", name="鈴木 次郎", location=at(-900, -900),
                           neighbourhood=north),
        "P-9": make_person(external_id="P-9", name="高橋 三郎", location=at(0, 2000),
                           neighbourhood=south),
    }  # fmt: skip
    supporters = {
        "S-1": make_supporter(external_id="S-1", location=at(20, 0), available=NIGHT,
                              neighbourhood=north),
        "S-2": make_supporter(external_id="S-2", location=at(320, 0), available=NIGHT,
                              neighbourhood=north),
        "S-9": make_supporter(external_id="S-9", location=at(20, 2000), available=NIGHT,
                              neighbourhood=south),
    }  # fmt: skip
    plan_run_create(scenario=Scenario("flood", "weekday_night"), performed_by="test")
    for username, role, areas in (("officer", "officer", []), ("north", "association", ["N1"]),
                                  ("south", "association", ["N2"]),
                                  ("auditor", "auditor", [])):  # fmt: skip
        user_create_with_role(username=username, role=role, neighbourhoods=areas,
                              password=PASSWORD)  # fmt: skip
    start = timezone.now() - dt.timedelta(hours=1)
    made = drill_start(name="訓練", hazard="flood", slot="weekday_night",
                       neighbourhoods=[north, south], starts_at=start,
                       ends_at=start + dt.timedelta(hours=3))  # fmt: skip
    listed = made.checks.select_related("person", "supporter")
    checks = {check.person.external_id: check.supporter for check in listed}
    timeline = [("P-1", 2, "contacted", ""), ("P-1", 30, "arrived", ""),
                ("P-2", 5, "unreachable", ""), ("P-2", 12, "contacted", ""),
                ("P-9", 4, "needs_help", "段差で転倒")]  # fmt: skip
    for number, (person, minute, state, note) in enumerate(timeline):
        drill_report(made, people[person], state, key=f"k{number}", supporter=checks[person],
                     note=note, at=start + dt.timedelta(minutes=minute))  # fmt: skip
    quiet = make_supporter(external_id="S-3", location=at(10, 10), neighbourhood=north)
    DrillSupporter.objects.create(drill=made, supporter=quiet)
    return {"drill": made, "people": people, "supporters": supporters, "quiet": quiet,
            "checks": checks}  # fmt: skip


def test_it_gives_the_json_of_drill_report_with_times_from_the_start(drill):
    data = report_json(drill["drill"])
    assert data["drill"] == drill["drill"].pk
    assert data["people"] == [
        {"person": "P-1", "state": "arrived", "first_contact_s": 120, "arrived_s": 1800},
        # `unreachable` at 5 minutes is not a contact: the first contact is at 12.
        {"person": "P-2", "state": "contacted", "first_contact_s": 720, "arrived_s": None},
        {"person": "P-3", "state": "not_reached", "first_contact_s": None, "arrived_s": None},
        {"person": "P-9", "state": "needs_help", "first_contact_s": 240, "arrived_s": None},
    ]
    assert list(data["totals"]) == list(CheckState.values)
    assert data["totals"]["arrived"] == 1 and data["totals"]["not_reached"] == 1
    assert sum(data["totals"].values()) == len(data["people"])


def test_the_curves_rise_step_by_step_and_end_at_the_counts(drill):
    figures = drill_figures(drill["drill"])
    north, south = figures.curves
    assert (north.code, north.people, south.people) == ("N1", 3, 1)
    assert north.reached[:3] == [(0, 0), (120, 1), (720, 2)]
    for series in (north.reached, north.arrived, south.reached, south.arrived):
        seconds = [second for second, _count in series]
        counts = [count for _second, count in series]
        assert seconds == sorted(seconds) and counts == sorted(counts)
        assert seconds[-1] == figures.length_s
    assert north.reached[-1][1] == 2 and north.arrived[-1][1] == 1 and south.reached[-1][1] == 1
    assert steps([5, 5, 9], 20) == [(0, 0), (5, 2), (9, 3), (20, 3)]


def test_it_lists_the_never_reached_the_quiet_supporters_and_the_notes(drill):
    figures = drill_figures(drill["drill"])
    assert [p.external_id for p in figures.never_reached] == ["P-3"]
    assert [(q.supporter, q.opened) for q in figures.quiet] == [(drill["quiet"].pk, False)]
    assert [(n.text, n.at_s) for n in figures.notes] == [("段差で転倒", 240)]


def _pdf_text(data: bytes) -> tuple[str, PdfReader]:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages), reader


def test_the_pdf_has_the_headings_the_neighbourhoods_and_a_plot_for_each(drill):
    text, reader = _pdf_text(render_drill_report(drill["drill"], lang="en"))
    for heading in ("After-action report of a drill", "People never reached",
                    "Supporters who did not respond", "Notes", "N1 北町", "N2 南町",
                    "鈴木 次郎", "段差で転倒"):  # fmt: skip
        assert heading in text
    images = [image for page in reader.pages for image in page.images]
    assert len(images) == 2


def test_an_associations_pdf_names_only_its_people_and_counts_the_others(drill):
    north = get_user_model().objects.get(username="north")
    text, reader = _pdf_text(render_drill_report(drill["drill"], lang="en", user=north))
    assert "鈴木 次郎" in text and "高橋 三郎" not in text and "段差で転倒" not in text
    assert len([image for page in reader.pages for image in page.images]) == 1


def test_the_page_per_role(drill):
    pk = drill["drill"].pk
    url = f"/drills/{pk}/after-action/"
    officer = as_user("officer").get(url)
    assert officer.status_code == 200
    assert "高橋 三郎" in officer.text and "鈴木 次郎" in officer.text
    own = as_user("north").get(url)
    assert own.status_code == 200
    assert "鈴木 次郎" in own.text and "高橋 三郎" not in own.text
    assert as_user("north").get(f"/drills/{pk}/after-action/N2.png").status_code == 404
    png = as_user("north").get(f"/drills/{pk}/after-action/N1.png")
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    pdf = as_user("north").get(f"/drills/{pk}/report.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # An auditor is sent to the audit log, never shown the report.
    auditor = as_user("auditor").get(url)
    assert auditor.status_code == 302 and "auditentry" in auditor["Location"]
    assert as_user("auditor").get(f"/drills/{pk}/report.pdf").status_code == 302


def test_an_association_of_another_area_cannot_open_the_report(drill):
    north = make_neighbourhood(code="N3", name="西町", geom=square(3000, 3000, 4000, 4000))
    user_create_with_role(username="west", role="association", neighbourhoods=[north.code],
                          password=PASSWORD)  # fmt: skip
    assert as_user("west").get(f"/drills/{drill['drill'].pk}/after-action/").status_code == 404


def test_a_supporter_who_could_not_come_is_asked_about_then_made_unavailable(drill):
    pk, supporter = drill["drill"].pk, drill["checks"]["P-1"]
    url = f"/drills/{pk}/after-action/supporters/{supporter.pk}/unavailable/"
    client = as_user("north")
    asked = client.get(url)
    assert asked.status_code == 200 and 'name="confirm"' in asked.text
    client.post(url)  # without the confirmation nothing changes
    assert "weekday_night" in Supporter.objects.get(pk=supporter.pk).available
    assert client.post(url, {"confirm": "yes"}).status_code == 302
    assert Supporter.objects.get(pk=supporter.pk).available == ["weekend_day"]
    entry = AuditEntry.objects.filter(model="registry.supporter").order_by("-pk").first()
    assert entry is not None and list(entry.object_ids) == [supporter.pk]
    assert entry.detail == {"changed": ["available"]}


def test_a_finding_lands_on_the_persons_next_plan(drill):
    person = drill["people"]["P-2"]
    response = as_user("north").post(
        f"/drills/{drill['drill'].pk}/after-action/people/{person.pk}/finding/",
        {"text": "夜は玄関が施錠されている"},
    )
    assert response.status_code == 302
    review = PlanReview.objects.get(person=person)
    assert "夜は玄関が施錠されている" in review.changes_requested
    assert "訓練" in review.changes_requested
    other = drill["people"]["P-9"]
    refused = as_user("north").post(
        f"/drills/{drill['drill'].pk}/after-action/people/{other.pk}/finding/", {"text": "x"}
    )
    assert refused.status_code == 404
