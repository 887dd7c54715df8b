"""The neighbourhood page's roster and gaps, and its map's points, as written for thousands of
people: the same bytes the template and the geometry objects wrote before."""

import json
from html import escape

import pytest
from django.template import engines
from django.urls import reverse
from django.utils import translation

from pages.links import person_url_maker
from pages.selectors import ListedPerson, RosterRow
from planner.models import SupporterAssignment
from planner.scenario import Scenario
from planner.services import plan_run_create
from registry.management.commands.create_user import user_create_with_role
from registry.models import Person, Shelter, Supporter
from tests.clients import PASSWORD, as_user
from tests.factories import (
    at,
    make_neighbourhood,
    make_person,
    make_shelter,
    make_supporter,
    square,
)

# The roster and gaps as the page's template wrote them row by row with the template engine.
TEMPLATE_ROWS = """{% load i18n words %}{% translate ", " context "list separator" as comma %}
      {% for row in people %}
        <tr><td><a href="{% url 'person' row.person.pk %}?{{ query }}">{{ row.person.name }}</a><br><small>{{ row.person.address }}</small></td>
            <td>{% if row.status %}<span class="tag status-{{ row.status }}">{{ row.status|status_words }}</span>{% else %}—{% endif %}</td><td>{{ row.supporters|join:comma|default:"—" }}</td></tr>
      {% endfor %}|
  {% for row in gaps %}<li><a href="{% url 'person' row.person.pk %}?{{ query }}">{{ row.person.name }}</a>
    <span class="tag status-{{ row.status }}">{{ row.status|status_words }}</span>{% if row.reasons %} {{ row.reasons|reason_words|join:comma }}{% endif %}</li>
  {% endfor %}"""  # noqa: E501
PYTHON_ROWS = """{% load roster %}
      {% roster_rows people query %}|
  {% gap_items gaps query %}"""

# Text a page must escape: markup, entities and quotes in names and addresses.
AWKWARD = "<b>山田</b> & \"花子\" 'O'Neil'"


def rows() -> list[RosterRow]:
    def listed(pk: int, name: str, address: str) -> ListedPerson:
        return ListedPerson(pk, f"P{pk}", name, address)

    return [
        RosterRow(listed(1, AWKWARD, "本町1番1号 <2F>"), "covered", [], ["佐藤 <一郎>", "A&B"]),
        RosterRow(listed(22, "近藤 花子", "本町1番2号"), "partial", ["no_supporter_in_slot"], []),
        RosterRow(
            listed(333, "遠山 & 子", AWKWARD),
            "uncovered",
            ["no_supporter_in_reach", "no_safe_shelter", "a_reason_of_a_newer_version"],
            [""],
        ),
        RosterRow(listed(4444, "未計画 太郎", "本町1番4号"), "", [], []),
        RosterRow(listed(5, "同意 なし", "本町1番5号"), "no_consent", [], []),
        RosterRow(listed(6, "新しい 状態", "本町1番6号"), "a_status_of_a_newer_version", [], []),
    ]


@pytest.mark.parametrize("language", ["ja", "en"])
def test_it_writes_the_roster_and_gaps_the_template_wrote(language):
    people = rows()
    context = {
        "people": people,
        "gaps": [row for row in people if row.has_gap],
        "query": "hazard=flood&slot=weekday_night",
    }
    engine = engines["django"]

    with translation.override(language):
        before = engine.from_string(TEMPLATE_ROWS).render(context)
        after = engine.from_string(PYTHON_ROWS).render(context)

    assert after == before
    assert "&lt;b&gt;山田&lt;/b&gt; &amp; &quot;花子&quot; &#x27;O&#x27;Neil&#x27;" in after
    assert AWKWARD not in after


def test_person_links_are_the_resolvers_own():
    person_url = person_url_maker()

    in_html = person_url_maker(for_html=True)

    for pk in (1, 7, 10, 98765, 987654321987, 10**15):
        assert person_url(pk) == reverse("person", args=[pk])
        assert in_html(pk) == escape(reverse("person", args=[pk]))


@pytest.fixture
def town(db):
    area = make_neighbourhood(code="N1", name="本町", geom=square(-500, -500, 500, 500))
    home = make_person(external_id="P1", name="近藤 花子", neighbourhood=area,
                       location=at(3.3, 7.7))  # fmt: skip
    make_person(external_id="P2", name="町 点子", neighbourhood=area, location=at(-40.1, 12.9),
                placed="town")  # fmt: skip
    make_person(external_id="P3", name="秘密 太郎", neighbourhood=area, consent="refused",
                location=at(20, 0))  # fmt: skip
    for number, east in enumerate((30, 11.1, 60)):
        make_supporter(external_id=f"S{number}", name=f"支援 {number}", neighbourhood=area,
                       location=at(east, 2.2), available=["weekday_night"])  # fmt: skip
    make_shelter(external_id="SH", name="本町小学校", location=at(0.7, 300.3), hazards=["flood"])
    run = plan_run_create(scenario=Scenario("flood", "weekday_night"), performed_by="test")
    for role, areas in (("officer", []), ("association", ["N1"]), ("commissioner", ["N1"])):
        user_create_with_role(username=role, role=role, neighbourhoods=areas, password=PASSWORD)
    return {"area": area, "home": home, "run": run}


def test_the_roster_names_supporters_nearest_first_without_the_rejected(town):
    run, home = town["run"], town["home"]
    SupporterAssignment.objects.filter(run=run, person=home).delete()
    for name, metres, state in (("支援 0", 30, "proposed"), ("支援 1", 12, "confirmed"),
                                ("支援 2", 5, "rejected")):  # fmt: skip
        SupporterAssignment.objects.create(
            run=run, person=home, supporter=Supporter.objects.get(name=name), distance_m=metres,
            state=state, roles=["inform"], supporter_in_hazard_area=False, supporter_elderly=False,
        )  # fmt: skip

    html = as_user("officer").get(reverse("neighbourhood", args=["N1"])).content.decode()

    roster = html[html.index('id="roster"') :]
    row = roster[roster.index(">近藤 花子<") :].split("</tr>")[0]
    assert row.endswith("<td>支援 1、支援 0</td>")


@pytest.mark.parametrize("role", ["officer", "association", "commissioner"])
def test_the_map_puts_each_home_where_the_database_holds_it(town, role):
    response = as_user(role).get(reverse("neighbourhood_map", args=["N1"]), {"hazard": "flood"})

    features = json.loads(response.content)["features"]
    people = {f["properties"]["name"]: f for f in features if f["properties"]["type"] == "person"}
    visible = Person.objects.filter(external_id__in=["P1", "P2"] if role != "officer" else
                                    ["P1", "P2", "P3"])  # fmt: skip
    assert set(people) == {person.name for person in visible}
    for person in visible:
        feature = people[person.name]
        assert feature["geometry"] == {
            "type": "Point", "coordinates": [person.location.x, person.location.y]
        }  # fmt: skip
        assert feature["properties"]["url"] == (
            reverse("person", args=[person.pk]) + "?hazard=flood&slot=weekday_night"
        )
        assert feature["properties"].get("approximate") is (
            True if person.placed == "town" else None
        )
        assert feature["properties"]["status"] in ("covered", "partial", "uncovered", "no_consent")
    for kind, model in (("supporter", Supporter), ("shelter", Shelter)):
        points = sorted(f["geometry"]["coordinates"] for f in features
                        if f["properties"]["type"] == kind)  # fmt: skip
        assert points == sorted([o.location.x, o.location.y] for o in model.objects.all())
