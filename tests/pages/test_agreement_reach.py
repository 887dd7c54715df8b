"""Who an association may ask: every supporter in the plan of one of its people, wherever the
supporter lives, named (the phone once agreed); never a supporter outside its people's plans.
Also who asked, the undo behind a second tap, the asking counts in pairs and people, a plan
changed since its issue, earlier versions and the family cards' file names."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from planner.agreements import pair_step
from planner.models import PairState, PlanVersion, SupportAgreement
from planner.scenario import Scenario
from planner.services import plan_run_create
from planner.versions import issue_plans
from registry.management.commands.create_user import user_create_with_role
from registry.models import Person, Supporter
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

EN = {"accept-language": "en"}


@pytest.fixture
def border():
    """Kiyo lives in N1 at its eastern edge; her only supporter nearby, Ota, lives across the
    border in N2. Jiro in N2 has his own N2 supporter, Kawabe, who is in no plan of N1."""
    n1 = make_neighbourhood(code="N1", name="本町", geom=square(-500, -500, 500, 500))
    n2 = make_neighbourhood(code="N2", name="川町", geom=square(600, -500, 1600, 500))
    kiyo = make_person(external_id="P1", name="東 清子", neighbourhood=n1, location=at(450, 0))
    jiro = make_person(external_id="P2", name="川端 次郎", neighbourhood=n2, location=at(1500, 0))
    make_supporter(external_id="S-OTA", name="太田 越郎", phone="080-7777-0001", neighbourhood=n2,
                   location=at(650, 0), available=["weekday_night"])  # fmt: skip
    make_supporter(external_id="S-KAWABE", name="川辺 三郎", phone="080-7777-0002",
                   neighbourhood=n2, location=at(1510, 0), available=["weekday_night"])  # fmt: skip
    make_shelter(external_id="SH", name="本町小学校", location=at(300, 300), hazards=["flood"])
    plan_run_create(scenario=Scenario("flood", "weekday_night"), performed_by="test")
    for role in ("officer", "association", "commissioner"):
        areas = [] if role == "officer" else ["N1"]
        user_create_with_role(username=role, role=role, neighbourhoods=areas, password=PASSWORD)
    return {
        "kiyo": kiyo,
        "jiro": jiro,
        "ota": Supporter.objects.get(external_id="S-OTA"),
        "kawabe": Supporter.objects.get(external_id="S-KAWABE"),
    }


def _person(role, person, lang="ja"):
    headers = EN if lang == "en" else {}
    return as_user(role).get(reverse("person", args=[person.pk]), headers=headers).content.decode()


def _section(html, ident):
    return html.split(f'id="{ident}"')[1].split("</section>")[0]


def _post_step(role, person, supporter, step, **extra):
    return as_user(role).post(
        reverse("person_agreement", args=[person.pk]),
        {"supporter": supporter.pk, "step": step, **extra},
    )


def test_the_chair_can_ask_a_supporter_from_another_neighbourhood_in_the_plan(border):
    kiyo, ota = border["kiyo"], border["ota"]

    page = _person("association", kiyo)
    pair = _section(page, "agreements").split(f'id="pair-{ota.pk}"')[1].split("</li>")[0]
    table = page.split('id="assignments"')[1].split("</table>")[0]

    assert "太田 越郎" in pair and "他の地区" in pair
    assert 'value="ask"' in pair and 'value="agree"' in pair
    assert "他の地区の支援者" not in page
    # Named in the plan's table too; a candidate's phone stays with the city.
    assert "太田 越郎" in table and f'href="#pair-{ota.pk}"' in table
    assert "080-7777-0001" not in page
    assert "080-7777-0001" in _person("officer", kiyo)

    asked = _post_step("association", kiyo, ota, "ask", how="phone")
    agreed = _post_step("association", kiyo, ota, "agree")

    assert asked.status_code == 302 and agreed.status_code == 302
    assert SupportAgreement.objects.get(person=kiyo, supporter=ota).state == PairState.AGREED
    # Agreed: the phone is the association's to call.
    assert '<a class="tel" href="tel:08077770001">' in _person("association", kiyo)


def test_the_neighbourhood_lists_name_a_supporter_from_another_neighbourhood(border):
    kiyo, ota = border["kiyo"], border["ota"]
    client = as_user("association")

    to_ask = client.get(reverse("neighbourhood", args=["N1"])).content.decode()
    pair_step(person=kiyo, supporter=ota, step="ask", user=None)
    pending = client.get(reverse("neighbourhood_asking", args=["N1"])).content.decode()

    listed = _section(to_ask, "asking").split('id="to-ask"')[1].split("</ul>")[0]
    assert "太田 越郎" in listed and "他の地区" in listed
    waiting = _section(pending, "asking").split('id="pending"')[1].split("</ul>")[0]
    assert "太田 越郎" in waiting
    for html in (to_ask, pending):
        assert "川辺 三郎" not in html and "080-7777" not in html


def test_no_step_for_a_supporter_outside_the_persons_plan(border):
    kiyo, jiro, kawabe, ota = border["kiyo"], border["jiro"], border["kawabe"], border["ota"]

    not_in_plan = _post_step("association", kiyo, kawabe, "ask")
    no_such = as_user("association").post(
        reverse("person_agreement", args=[kiyo.pk]), {"supporter": 999999, "step": "ask"}
    )
    other_person = _post_step("association", jiro, kawabe, "ask")
    commissioner = _post_step("commissioner", kiyo, ota, "ask")
    officer = _post_step("officer", kiyo, kawabe, "agree")

    assert not_in_plan.status_code == 404 and no_such.status_code == 404
    assert other_person.status_code == 404 and commissioner.status_code == 403
    # Not even an officer records a pair that no plan holds.
    assert officer.status_code == 404
    assert not SupportAgreement.objects.exists()
    commissioner_page = _person("commissioner", kiyo)
    assert "太田 越郎" in commissioner_page and 'name="step"' not in commissioner_page
    assert "記録してください" not in commissioner_page
    assert "返事の記録は自治会または市が行います" in commissioner_page


def test_a_recorded_agreement_outside_the_current_plan_can_still_be_undone(border):
    """A declined pair leaves the plan but stays the person's: its undo is accepted."""
    kiyo, ota = border["kiyo"], border["ota"]
    _post_step("association", kiyo, ota, "decline")
    plan_run_create(scenario=Scenario("flood", "weekday_night"), performed_by="test")

    undone = _post_step("association", kiyo, ota, "undo")

    assert undone.status_code == 302
    assert SupportAgreement.objects.get(person=kiyo, supporter=ota).state == PairState.ASKED


def test_it_says_who_asked_by_full_name_or_role_never_the_login(border):
    kiyo, ota = border["kiyo"], border["ota"]
    _post_step("association", kiyo, ota, "ask", how="phone")

    by_role = _section(_person("association", kiyo), "agreements")
    pending = as_user("association").get(reverse("neighbourhood", args=["N1"])).content.decode()
    get_user_model().objects.filter(username="association").update(
        last_name="会長", first_name="一郎"
    )
    by_name = _section(_person("commissioner", kiyo, "en"), "agreements")

    assert "自治会・町内会が依頼（電話）" in by_role
    assert "自治会・町内会が依頼" in pending.split('id="pending"')[1].split("</ul>")[0]
    assert "by 会長 一郎 (By phone)" in by_name
    assert "by association" not in by_name


def test_a_declined_pair_shows_when_it_was_asked_and_answered(border):
    kiyo, ota = border["kiyo"], border["ota"]
    _post_step("association", kiyo, ota, "ask", how="paper")
    _post_step("association", kiyo, ota, "decline")

    declined = _section(_person("association", kiyo), "agreements").split('id="declined"')[1]

    assert re.search(r"\d{4}-\d\d-\d\d 自治会・町内会が依頼（書面）", declined)
    assert re.search(r"\d{4}-\d\d-\d\d 返事", declined)


def test_undo_takes_a_second_tap_without_script(border):
    kiyo, ota = border["kiyo"], border["ota"]
    _post_step("association", kiyo, ota, "ask")

    pair = _section(_person("association", kiyo), "agreements").split(f'id="pair-{ota.pk}"')[1]
    undo = pair.split("</li>")[0]

    details = undo.split('<details class="undo">')[1].split("</details>")[0]
    assert "<summary>取り消す…</summary>" in details and 'value="undo"' in details
    assert undo.count('value="undo"') == 1 and "<script" not in undo and "onclick" not in undo


def test_the_asking_counts_say_pairs_and_people_and_the_hint_is_for_deciders(border):
    ota = border["ota"]
    make_person(external_id="P3", name="東 次子", neighbourhood=border["kiyo"].neighbourhood,
                location=at(460, 10))  # fmt: skip
    Supporter.objects.filter(pk=ota.pk).update(capacity=2)
    plan_run_create(scenario=Scenario("flood", "weekday_night"), performed_by="test")

    chair = as_user("association").get(reverse("neighbourhood", args=["N1"])).content.decode()
    commissioner = as_user("commissioner").get(reverse("neighbourhood", args=["N1"]))

    counts = chair.split('id="asking-counts"')[1].split("</p>")[0]
    assert "未依頼: 2組（2人）" in counts and "返事待ち: 0組" in counts
    # The asking section comes before the roster, with the issue button.
    assert chair.index('id="asking"') < chair.index('id="issue-area"') < chair.index('id="roster"')
    assert "記録してください" in chair
    assert "記録してください" not in commissioner.content.decode()


def test_the_person_page_says_when_the_plan_changed_since_its_issue_and_lists_earlier_ones(
    border,
):
    kiyo, ota = border["kiyo"], border["ota"]
    people = Person.objects.filter(pk=kiyo.pk)
    issue_plans(people)
    quiet = _section(_person("association", kiyo), "versions")
    pair_step(person=kiyo, supporter=ota, step="agree", user=None)
    changed = _section(_person("association", kiyo), "versions")
    issue_plans(people)
    second = _section(_person("association", kiyo), "versions")

    assert 'id="draft-differs"' not in quiet and 'id="earlier-versions"' not in quiet
    differs = changed.split('id="draft-differs"')[1].split("</p>")[0]
    assert "この計画は発行後に変わっています。発行すると v2 になります。" in differs
    assert changed.index('id="draft-differs"') < changed.index('id="issue"')
    assert 'id="draft-differs"' not in second
    earlier = second.split('id="earlier-versions"')[1].split("</ul>")[0]
    first = PlanVersion.objects.get(person=kiyo, number=1)
    issued = timezone.localdate(first.issued_at)
    assert f"v1 ・ {issued:%Y-%m-%d}" in earlier and first.issuer in earlier
    assert "v2" not in earlier


def test_family_card_file_names_say_their_language(border):
    kiyo = border["kiyo"]
    issue_plans(Person.objects.filter(pk=kiyo.pk))
    client = as_user("association")
    url = reverse("person_card_pdf", args=[kiyo.pk])

    names = {
        lang: client.get(url + (f"?lang={lang}" if lang else ""))["Content-Disposition"]
        for lang in ("ja", "easy", "en", "")
    }

    assert f'filename="card-{kiyo.pk}-v1-ja.pdf"' in names["ja"]
    assert f'filename="card-{kiyo.pk}-v1-easy.pdf"' in names["easy"]
    assert f'filename="card-{kiyo.pk}-v1-en.pdf"' in names["en"]
    # Chosen by the person's needs: Kiyo's call for none, so the Japanese card.
    assert f'filename="card-{kiyo.pk}-v1-ja.pdf"' in names[""]
    cards = client.get(reverse("neighbourhood_cards", args=["N1"]) + "?lang=en")
    assert 'filename="cards-N1-en.pdf"' in cards["Content-Disposition"]
