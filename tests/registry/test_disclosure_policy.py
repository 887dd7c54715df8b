"""One disclosure policy for every door: what a PDF, the map and the audit log give each role
holds only the rows and fields that the person page would show them, and every look under an
emergency is marked with it."""

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from planner.scenario import Scenario
from planner.services import plan_run_create
from registry.access import Copy, copy_for_reader, emergency_for_ids, health_visible_ids
from registry.audit import audit_record, changes, detail_for_auditor
from registry.management.commands.create_user import user_create_with_role
from registry.models import AuditEntry, EmergencyContact, EmergencyDisclosure, Person
from tests.factories import (
    at,
    make_neighbourhood,
    make_person,
    make_shelter,
    make_supporter,
    square,
)
from tests.printouts.test_printouts import flat, text_of

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-password-for-tests"

# What the person page hides from those who may not see health details, as printed in Japanese.
HEALTH_OF_CONSENTING = ("秘密の薬A", "在宅酸素", "要介護3", "予備電源あり")
HEALTH_OF_REFUSING = ("秘密の薬B", "人工呼吸器")
WITHHELD = "健康に関する情報は、この写しには記載していません"


@pytest.fixture
def world():
    near = make_neighbourhood(code="N1", name="本町", association="本町自治会",
                              geom=square(-500, -500, 500, 500))  # fmt: skip
    far = make_neighbourhood(code="N2", name="遠町", geom=square(1000, -500, 2000, 500))
    people = {
        "in_consent": make_person(
            external_id="P-IN", name="内田 同意", kana="ウチダ ドウイ", neighbourhood=near,
            medication="秘密の薬A", medical_devices=["oxygen"], power_backup="予備電源あり",
            notes="秘密のメモ", phone="0463-99-0001", location=at(0, 0),
        ),
        "in_refused": make_person(
            external_id="P-REF", name="内海 拒否", kana="ウツミ キョヒ", neighbourhood=near,
            consent="refused", medication="秘密の薬B", medical_devices=["ventilator"],
            location=at(50, 0),
        ),
        "out_consent": make_person(external_id="P-OUT", name="外山 遠方", kana="トヤマ エンポウ",
                                   neighbourhood=far, location=at(1500, 0)),
    }  # fmt: skip
    EmergencyContact.objects.create(
        person=people["in_consent"], name="内田 長男", relation="長男", phone="090-0000-1111"
    )
    make_supporter(external_id="S-IN", name="支援 近所", neighbourhood=near, location=at(10, 0),
                   available=["weekday_night"], capacity=2)  # fmt: skip
    make_shelter(external_id="SH", name="本町公民館", location=at(0, 300), hazards=["flood"])
    plan_run_create(scenario=Scenario("flood", "weekday_night"), performed_by="test")
    users: dict[str, Any] = {}
    for role, areas in (
        ("officer", []),
        ("officer2", []),
        ("association", ["N1"]),
        ("commissioner", ["N1"]),
        ("auditor", []),
    ):
        kind = "officer" if role == "officer2" else role
        user_create_with_role(username=role, role=kind, neighbourhoods=areas, password=PASSWORD)
        users[role] = get_user_model().objects.get(username=role)
    return {"people": people, "users": users, "near": near, "far": far}


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def open_emergency(world: dict[str, Any]) -> EmergencyDisclosure:
    now = timezone.now()
    disclosure = EmergencyDisclosure.objects.create(
        hazard="flood", reason="大雨特別警報", declared_by=world["users"]["officer"],
        confirmed_by=world["users"]["officer2"], confirmed_at=now,
        ends_at=now + dt.timedelta(hours=24),
    )  # fmt: skip
    disclosure.neighbourhoods.set([world["near"]])
    return disclosure


def pdf_text(world: dict[str, Any], role: str, name: str, **kwargs: Any) -> str:
    response = client_for(world["users"][role]).get(reverse(name, kwargs=kwargs))
    assert response.status_code == 200, (role, name, response.status_code)
    assert response["Content-Type"] == "application/pdf"
    return text_of(response.content)


def person_pdf(world: dict[str, Any], role: str, who: str, what: str = "plan") -> str:
    return pdf_text(world, role, f"person_{what}_pdf", pk=world["people"][who].pk)


def bundle_pdf(world: dict[str, Any], role: str) -> str:
    return pdf_text(world, role, "neighbourhood_bundle", code="N1")


def latest_print() -> AuditEntry:
    return AuditEntry.objects.filter(action="print").latest("pk")


# --- the welfare commissioner's paper -------------------------------------------------------


def test_a_commissioner_reads_no_health_details_in_the_person_plan_pdf(world):
    text = person_pdf(world, "commissioner", "in_consent")

    assert flat("内田 同意") in text and flat("支援 近所") in text
    for detail in HEALTH_OF_CONSENTING:
        assert flat(detail) not in text, detail
    assert flat(WITHHELD) in text
    assert "民生委員用" in text and "自治会用" not in text


def test_a_commissioner_reads_no_health_details_in_the_family_card(world):
    text = person_pdf(world, "commissioner", "in_consent", what="card")

    assert flat("内田 同意") in text
    for detail in HEALTH_OF_CONSENTING:
        assert flat(detail) not in text, detail


def test_a_commissioner_gets_a_commissioner_bundle_without_health_details(world):
    text = bundle_pdf(world, "commissioner")

    assert flat("内田 同意") in text and flat("内海 拒否") not in text
    for detail in HEALTH_OF_CONSENTING:
        assert flat(detail) not in text, detail
    assert "民生委員用" in text and "自治会用" not in text


def test_a_commissioner_never_gets_another_copy_by_asking(world):
    client = client_for(world["users"]["commissioner"])
    url = reverse("neighbourhood_bundle", kwargs={"code": "N1"})
    plan = reverse("person_plan_pdf", kwargs={"pk": world["people"]["in_consent"].pk})

    assert client.get(url, {"copy_for": "officer"}).status_code == 403
    assert client.get(url, {"copy_for": "association"}).status_code == 403
    assert client.get(plan, {"copy_for": "family"}).status_code == 403
    assert client.get(url, {"copy_for": "commissioner"}).status_code == 200


def test_a_commissioner_printing_from_the_command_gets_the_same_copy(world, tmp_path: Path):
    call_command("print_plans", out=str(tmp_path), neighbourhood="N1", user="commissioner",
                 copy_for="officer", draft=True, stdout=io.StringIO())  # fmt: skip

    assert [p.name for p in tmp_path.iterdir()] == ["bundle-N1-commissioner-ja-draft.pdf"]
    text = text_of((tmp_path / "bundle-N1-commissioner-ja-draft.pdf").read_bytes())
    assert flat("内田 同意") in text and "民生委員用" in text
    for detail in HEALTH_OF_CONSENTING:
        assert flat(detail) not in text, detail


def test_the_association_still_reads_the_health_details_of_people_who_consented(world):
    text = person_pdf(world, "association", "in_consent")

    for detail in HEALTH_OF_CONSENTING:
        assert flat(detail) in text, detail
    assert flat(WITHHELD) not in text
    assert "自治会用" in text


# --- under an emergency disclosure ----------------------------------------------------------


def test_under_an_emergency_the_association_prints_no_health_of_people_who_did_not_consent(
    world,
):
    disclosure = open_emergency(world)

    text = person_pdf(world, "association", "in_refused")

    assert flat("内海 拒否") in text
    for detail in HEALTH_OF_REFUSING:
        assert flat(detail) not in text, detail
    assert flat(WITHHELD) in text
    assert latest_print().emergency == disclosure


def test_under_an_emergency_the_bundle_lists_them_without_their_health(world):
    disclosure = open_emergency(world)

    text = bundle_pdf(world, "association")

    assert flat("内海 拒否") in text and flat("内田 同意") in text
    for detail in HEALTH_OF_REFUSING:
        assert flat(detail) not in text, detail
    assert flat("秘密の薬A") in text  # who consented keeps their details in the association copy
    entry = latest_print()
    assert entry.emergency == disclosure
    assert world["people"]["in_refused"].pk in entry.object_ids


def test_the_policy_answers_for_a_whole_bundle_at_once(world):
    people = list(Person.objects.order_by("external_id"))
    users = world["users"]
    by_id = {p.external_id: p.pk for p in people}
    open_emergency(world)

    assert health_visible_ids(None, people) == set(by_id.values())
    assert health_visible_ids(users["officer"], people) == set(by_id.values())
    assert health_visible_ids(users["association"], people) == {by_id["P-IN"]}
    assert health_visible_ids(users["commissioner"], people) == set()
    assert health_visible_ids(None, people, Copy.ASSOCIATION) == {by_id["P-IN"], by_id["P-OUT"]}
    assert health_visible_ids(users["officer"], people, Copy.COMMISSIONER) == set()
    assert copy_for_reader(users["association"], "officer") == Copy.ASSOCIATION
    assert copy_for_reader(users["officer"], "commissioner") == Copy.COMMISSIONER
    assert copy_for_reader(None, None) == Copy.OFFICER


# --- the officer's copy ---------------------------------------------------------------------


def test_the_officer_copy_still_prints_everything(world):
    plan = person_pdf(world, "officer", "in_refused")
    bundle = text_of(
        client_for(world["users"]["officer"])
        .get(reverse("neighbourhood_bundle", kwargs={"code": "N1"}) + "?copy_for=officer")
        .content
    )

    # Without consent there is no plan: the officer's copy holds the register entry (名簿),
    # with the reasons and the devices a rescue must know, not the medication.
    assert "避難行動要支援者名簿" in plan and flat("人工呼吸器") in plan
    assert "市職員用" in plan and flat(WITHHELD) not in plan
    for expected in ("内田 同意", "内海 拒否", *HEALTH_OF_CONSENTING, "人工呼吸器"):
        assert flat(expected) in bundle, expected
    assert "市職員用" in bundle and latest_print().emergency is None


# --- the audit log as the auditor reads it --------------------------------------------------


def officer_changes_a_person(world: dict[str, Any]) -> Person:
    """What the admin's change form does once it has validated the form."""
    person = Person.objects.get(pk=world["people"]["in_consent"].pk)
    person.phone, person.notes, person.address = "0463-55-7777", "新しい秘密のメモ", "本町9番9号"
    request = RequestFactory().post("/admin/registry/person/")
    request.user = world["users"]["officer"]
    admin.site._registry[Person].save_model(request, person, None, True)
    return person


def test_the_admin_logs_the_names_of_changed_fields_never_their_values(world):
    person = officer_changes_a_person(world)

    entry = AuditEntry.objects.filter(action="change", model="registry.person").latest("pk")
    assert entry.object_ids == [person.pk]
    assert entry.detail == {"changed": ["address", "notes", "phone"]}
    assert "phone" in changes({"phone": "0463-99-0001"}, person)


def test_djangos_own_admin_history_names_records_by_number_never_by_name(world):
    person = Person.objects.get(pk=world["people"]["in_consent"].pk)
    person_admin = admin.site._registry[Person]
    request = RequestFactory().post("/admin/registry/person/")
    request.user = world["users"]["officer"]
    person_admin.log_change(request, person, [{"changed": {"fields": ["phone"]}}])
    person_admin.log_deletions(request, Person.objects.filter(pk=person.pk))

    reprs = list(LogEntry.objects.values_list("object_repr", flat=True))
    assert reprs == [f"#{person.pk}", f"#{person.pk}"]
    assert all(person.name not in text for text in reprs)


def test_a_caller_handing_in_before_and_after_values_gets_field_names_stored(world):
    audit_record(
        action="change", model="planner.supporterassignment", object_ids=[1],
        user=world["users"]["officer"],
        detail={"changes": {"state": {"before": "proposed", "after": "confirmed"}}},
    )  # fmt: skip

    entry = AuditEntry.objects.latest("pk")
    assert entry.detail == {"changed": ["state"]}


def test_the_admin_never_stores_a_search_term(world):
    client_for(world["users"]["officer"]).get(
        reverse("admin:registry_person_changelist") + "?q=内田"
    )

    entry = AuditEntry.objects.filter(action="list", model="registry.person").latest("pk")
    assert entry.detail == {"filters": ["q"]}


def old_row_with_values(world: dict[str, Any]) -> AuditEntry:
    """A row written before the log stopped keeping values: it cannot be mended, only hidden."""
    return AuditEntry.objects.create(
        actor="officer", role="officer", action="change", model="registry.person",
        object_ids=[world["people"]["in_consent"].pk],
        detail={
            "changes": {
                "name": {"before": "内田 同意", "after": "内田 変更"},
                "phone": {"before": "0463-99-0001", "after": "0463-55-7777"},
                "address": {"before": "支えあい市本町1番1号", "after": "本町9番9号"},
                "notes": {"before": "秘密のメモ", "after": "新しい秘密のメモ"},
            },
            "file": "内田さんの名簿.csv",
        },
    )  # fmt: skip


PERSONAL_VALUES = ("内田", "0463-99-0001", "0463-55-7777", "本町9番9号", "本町1番1号", "秘密のメモ")


def test_the_auditor_reads_no_personal_values_on_the_audit_page(world):
    old = old_row_with_values(world)
    officer_changes_a_person(world)
    client = client_for(world["users"]["auditor"])

    listing = client.get(reverse("admin:registry_auditentry_changelist")).content.decode()
    entry = client.get(reverse("admin:registry_auditentry_change", args=[old.pk]))

    assert entry.status_code == 200
    page = entry.content.decode()
    for value in PERSONAL_VALUES:
        assert value not in listing, value
        assert value not in page, value
    assert "address" in page and "notes" in page and "phone" in page  # field names stay


def test_the_auditor_reads_no_personal_values_in_the_csv_export(world):
    old_row_with_values(world)
    officer_changes_a_person(world)

    export = client_for(world["users"]["auditor"]).get(reverse("admin:registry_auditentry_export"))

    body = export.content.decode("utf-8-sig")
    for value in PERSONAL_VALUES:
        assert value not in body, value
    rows = list(csv.reader(io.StringIO(body)))
    details = [json.loads(row[-1]) for row in rows[1:] if row[4] == "registry.person"]
    assert {"changed": ["address", "name", "notes", "phone"], "file": "…"} in details


def test_old_rows_are_shown_by_their_keys_only():
    shown = detail_for_auditor(
        {"changes": {"name": {"before": "甲", "after": "乙"}}, "page": "person", "q": "山田"}
    )

    assert shown == {"changed": ["name"], "page": "person", "q": "…"}


# --- every look under an emergency is marked ------------------------------------------------


def test_a_look_through_the_map_is_marked_with_the_emergency(world):
    disclosure = open_emergency(world)

    response = client_for(world["users"]["association"]).get(
        reverse("neighbourhood_map", kwargs={"code": "N1"})
    )

    assert response.status_code == 200 and "内海 拒否" in response.content.decode()
    entry = AuditEntry.objects.filter(action="list", model="registry.person").latest("pk")
    assert world["people"]["in_refused"].pk in entry.object_ids
    assert entry.emergency == disclosure


def test_prints_of_the_bundle_and_the_plan_are_marked_with_the_emergency(world):
    disclosure = open_emergency(world)

    bundle_pdf(world, "commissioner")
    assert latest_print().emergency == disclosure
    person_pdf(world, "commissioner", "in_refused")
    assert latest_print().emergency == disclosure
    person_pdf(world, "commissioner", "in_consent")  # no emergency needed to see them
    assert latest_print().emergency is None


def test_a_look_through_the_admin_is_marked_with_the_emergency(world):
    disclosure = open_emergency(world)
    refused = world["people"]["in_refused"]

    client_for(world["users"]["association"]).get(
        reverse("admin:registry_person_change", args=[refused.pk])
    )

    entry = AuditEntry.objects.filter(action="view", model="registry.person").latest("pk")
    assert entry.object_ids == [refused.pk] and entry.emergency == disclosure


def test_no_door_can_forget_the_emergency(world):
    disclosure = open_emergency(world)
    refused, consenting = world["people"]["in_refused"], world["people"]["in_consent"]
    association = world["users"]["association"]

    marked = audit_record(action="export", model=Person, object_ids=[refused.pk], user=association)
    unmarked = audit_record(
        action="export", model=Person, object_ids=[consenting.pk], user=association
    )
    officer = audit_record(
        action="view", model=Person, object_ids=[refused.pk], user=world["users"]["officer"]
    )

    assert marked.emergency == disclosure
    assert unmarked.emergency is None and officer.emergency is None
    assert emergency_for_ids(None, [refused.pk]) is None


def test_looks_through_the_admin_history_and_autocomplete_are_recorded_and_marked(world):
    disclosure = open_emergency(world)
    refused = world["people"]["in_refused"]
    client = client_for(world["users"]["association"])

    history = client.get(reverse("admin:registry_person_history", args=[refused.pk]))
    found = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "registry", "model_name": "supporter", "field_name": "person", "term": "内"},
    )

    assert history.status_code == 200 and found.status_code == 200
    viewed = AuditEntry.objects.filter(action="view", detail__page="history").latest("pk")
    assert viewed.object_ids == [refused.pk] and viewed.emergency == disclosure
    listed = AuditEntry.objects.filter(action="list", detail__page="autocomplete").latest("pk")
    assert refused.pk in listed.object_ids and listed.emergency == disclosure
    assert "内" not in json.dumps(listed.detail, ensure_ascii=False)  # the term typed is not kept


# --- the medical contacts are health details ------------------------------------------------

MEDICAL_CONTACTS = {
    "doctor": "秘密内科クリニック",
    "doctor_phone": "0463-98-0001",
    "nurse": "秘密訪問看護ステーション",
    "nurse_phone": "090-9800-0002",
    "device_supplier": "秘密酸素サービス",
    "device_supplier_phone": "080-9800-0003",
}


def with_medical_contacts(world: dict[str, Any]) -> Person:
    Person.objects.filter(pk=world["people"]["in_consent"].pk).update(**MEDICAL_CONTACTS)
    return Person.objects.get(pk=world["people"]["in_consent"].pk)


def test_a_commissioner_reads_no_medical_contact_through_any_door(world):
    person = with_medical_contacts(world)
    client = client_for(world["users"]["commissioner"])

    texts = {
        "plan": person_pdf(world, "commissioner", "in_consent"),
        "card": person_pdf(world, "commissioner", "in_consent", what="card"),
        "bundle": bundle_pdf(world, "commissioner"),
        "page": client.get(reverse("person", args=[person.pk])).content.decode(),
        "admin": client.get(
            reverse("admin:registry_person_change", args=[person.pk])
        ).content.decode(),
    }

    assert flat("内田 同意") in texts["plan"] and "内田 同意" in texts["page"]
    for door, text in texts.items():
        for value in MEDICAL_CONTACTS.values():
            assert value not in text and flat(value) not in text, (door, value)


def test_the_association_and_the_officer_read_the_medical_contacts_beside_the_medication(world):
    person = with_medical_contacts(world)

    for role in ("association", "officer"):
        client = client_for(world["users"][role])
        page = client.get(reverse("person", args=[person.pk])).content.decode()
        admin_page = client.get(
            reverse("admin:registry_person_change", args=[person.pk])
        ).content.decode()
        details = page.split('id="details"')[1].split("</table>")[0]
        for value in MEDICAL_CONTACTS.values():
            assert value in details, (role, value)
            assert value in admin_page, (role, value)
        assert details.index("秘密の薬A") < details.index(MEDICAL_CONTACTS["doctor"])
        assert 'href="tel:' in details.split(MEDICAL_CONTACTS["doctor"])[1]


def test_the_admin_leaves_out_the_medical_contacts_section_where_health_is_withheld(world):
    person = with_medical_contacts(world)
    request = RequestFactory().get("/admin/registry/person/")
    person_admin = admin.site._registry[Person]

    request.user = world["users"]["commissioner"]
    withheld = person_admin.get_fieldsets(request, person)
    request.user = world["users"]["officer"]
    shown = person_admin.get_fieldsets(request, person)

    def fields(fieldsets: Any) -> list[str]:
        return list(flatten_fieldsets(fieldsets))

    assert not set(fields(withheld)) & set(MEDICAL_CONTACTS)
    assert all(options["fields"] for _name, options in withheld)  # no empty section
    assert set(MEDICAL_CONTACTS) <= set(fields(shown))
    assert ("doctor", "doctor_phone") in next(
        options["fields"] for _name, options in shown if "doctor" in fields([(_name, options)])
    )
