"""The association's supporter list: add, edit and retire, with clear messages."""

import pytest
from django.urls import reverse

from planner.scenario import Scenario
from planner.services import plan_run_create
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


@pytest.fixture
def area():
    near = make_neighbourhood(code="N1", name="本町", geom=square(-500, -500, 500, 500))
    make_neighbourhood(code="N2", name="遠町", geom=square(1000, -500, 2000, 500))
    make_person(name="山田 花子", neighbourhood=near, location=at(0, 0))
    make_supporter(external_id="S1", name="佐藤 一郎", neighbourhood=near, location=at(10, 0),
                   available=["weekday_night"])  # fmt: skip
    make_shelter(location=at(0, 300), hazards=["flood"])
    plan_run_create(scenario=Scenario("flood", "weekday_night"), performed_by="test")
    user_create_with_role(
        username="association", role="association", neighbourhoods=["N1"], password=PASSWORD
    )
    user_create_with_role(
        username="commissioner", role="commissioner", neighbourhoods=["N1"], password=PASSWORD
    )
    return near


def supporter_form(**values):
    data = {
        "external_id": "S-NEW", "name": "鈴木 次郎", "kana": "スズキ ジロウ", "address": "本町3番",
        "phone": "090-2222-3333",
        "location": '{"type": "Point", "coordinates": [139.3201, 35.3601]}',
        "role": "neighbour", "capacity": "2", "available": ["weekday_day", "weekday_night"],
        "birth_year": "1980",
    }  # fmt: skip
    data.update(values)
    return data


def test_it_adds_a_supporter_placed_on_the_map(area):
    response = as_user("association").post(reverse("supporter_add", args=["N1"]), supporter_form())

    assert response.status_code == 302
    added = Supporter.objects.get(external_id="S-NEW")
    assert added.neighbourhood == area and added.available == ["weekday_day", "weekday_night"]
    assert (round(added.location.x, 4), round(added.location.y, 4)) == (139.3201, 35.3601)


def test_it_explains_a_bad_phone_number_and_keeps_nothing(area):
    response = as_user("association").post(
        reverse("supporter_add", args=["N1"]), supporter_form(phone="でんわ"),
        headers={"accept-language": "en"},
    )  # fmt: skip

    assert response.status_code == 400
    assert "A phone number holds digits, spaces, +, - and ()." in response.content.decode()
    assert not Supporter.objects.filter(external_id="S-NEW").exists()


def test_it_shows_whom_a_change_would_leave_alone_and_retires(area):
    helper = Supporter.objects.get(external_id="S1")
    client = as_user("association")

    edit = client.get(reverse("supporter_edit", args=["N1", helper.pk])).content.decode()
    confirm = client.get(reverse("supporter_retire", args=["N1", helper.pk])).content.decode()
    client.post(reverse("supporter_retire", args=["N1", helper.pk]))

    assert "山田 花子" in edit and "山田 花子" in confirm
    helper.refresh_from_db()
    assert not helper.active


def test_it_keeps_lists_to_their_own_area_and_editors(area):
    helper = Supporter.objects.get(external_id="S1")

    assert as_user("association").get(reverse("supporters", args=["N2"])).status_code == 404
    assert as_user("commissioner").get(reverse("supporter_add", args=["N1"])).status_code == 403
    listing = as_user("commissioner").get(reverse("supporters", args=["N1"])).content.decode()
    assert (
        "佐藤 一郎" in listing and reverse("supporter_edit", args=["N1", helper.pk]) not in listing
    )


def test_it_refuses_an_associations_supporter_living_outside_the_neighbourhood(area):
    # 1.5 km east of the origin: inside N2, outside N1.
    outside = '{"type": "Point", "coordinates": [139.3365, 35.36]}'
    response = as_user("association").post(
        reverse("supporter_add", args=["N1"]), supporter_form(location=outside),
        headers={"accept-language": "en"},
    )  # fmt: skip

    assert response.status_code == 400
    assert "The home is outside N1 本町." in response.content.decode()
    assert not Supporter.objects.filter(external_id="S-NEW").exists()


def test_it_warns_an_officer_about_a_supporter_living_outside_the_neighbourhood(area):
    user_create_with_role(username="officer", role="officer", neighbourhoods=[], password=PASSWORD)
    outside = '{"type": "Point", "coordinates": [139.3365, 35.36]}'

    response = as_user("officer").post(
        reverse("supporter_add", args=["N1"]), supporter_form(location=outside),
        headers={"accept-language": "en"}, follow=True,
    )  # fmt: skip

    assert Supporter.objects.get(external_id="S-NEW").neighbourhood == area
    assert "lies outside N1 本町" in response.content.decode()


def test_the_list_shows_time_slots_in_words_and_phones_unbroken(area):
    """The list showed the keys (weekday_day, weekday_night) as they are stored."""
    make_supporter(external_id="S2", name="昼夜 二郎", neighbourhood=area, location=at(20, 0),
                   phone="080-9999-0000", available=["weekday_day", "weekend_night"])  # fmt: skip
    url = reverse("supporters", args=["N1"])

    english = as_user("association").get(url, headers={"accept-language": "en"}).content.decode()
    japanese = as_user("association").get(url).content.decode()

    table = english.split('id="supporters"')[1].split("</table>")[0]
    assert "weekday_day" not in table and "weekend_night" not in table
    assert (
        '<span class="nowrap">Weekday daytime</span>, <span class="nowrap">Weekend night</span>'
        in table
    )
    ja_table = japanese.split('id="supporters"')[1].split("</table>")[0]
    assert "weekday_day" not in ja_table and "平日・昼" in ja_table and "休日・夜" in ja_table
    assert '<a class="tel" href="tel:08099990000">080-9999-0000</a>' in ja_table
    # The table may scroll sideways on a phone instead of squeezing its columns.
    assert '<div class="scroll">\n<table id="supporters">' in japanese


def test_the_retire_page_names_no_one_the_association_may_not_see():
    """A supporter on the border helps a neighbour across it: the association of the supporter's
    neighbourhood learns that someone else relies on them, never who."""
    near = make_neighbourhood(code="N1", name="本町", geom=square(-500, -500, 500, 500))
    across = make_neighbourhood(code="N2", name="隣町", geom=square(500, -500, 1500, 500))
    make_supporter(external_id="S-B", name="境 支援", neighbourhood=near, location=at(490, 0),
                   capacity=2, available=["weekday_night"])  # fmt: skip
    make_person(name="隣 秘子", neighbourhood=across, location=at(560, 0))
    make_person(name="本 見子", neighbourhood=near, location=at(420, 0))
    make_shelter(location=at(450, 300), hazards=["flood"])
    plan_run_create(scenario=Scenario("flood", "weekday_night"), performed_by="test")
    user_create_with_role(
        username="association", role="association", neighbourhoods=["N1"], password=PASSWORD
    )
    helper = Supporter.objects.get(external_id="S-B")

    for url in ("supporter_retire", "supporter_edit"):
        html = as_user("association").get(reverse(url, args=["N1", helper.pk])).content.decode()
        assert "本 見子" in html
        assert "隣 秘子" not in html
        assert "ほかに、ここでは表示できない方が1人" in html


def test_a_marker_moved_on_the_page_is_a_home_placed_by_hand(area):
    helper = Supporter.objects.get(external_id="S1")
    Supporter.objects.filter(pk=helper.pk).update(placed="town")
    client = as_user("association")
    kept = supporter_form(external_id="S1", name="佐藤 一郎", address=helper.address,
                          location=helper.location.geojson)  # fmt: skip

    client.post(reverse("supporter_edit", args=["N1", helper.pk]), {**kept, "phone": "090-1"})
    helper.refresh_from_db()
    assert helper.placed == "town"  # the marker stayed: still the town's point
    client.post(reverse("supporter_edit", args=["N1", helper.pk]), supporter_form(
        external_id="S1", name="佐藤 一郎", address=helper.address))  # fmt: skip

    helper.refresh_from_db()
    assert helper.placed == "hand" and round(helper.location.x, 4) == 139.3201
    entry = AuditEntry.objects.filter(model="registry.supporter").order_by("-pk").first()
    assert entry is not None and {"location", "placed"} <= set(entry.detail["changed"])
