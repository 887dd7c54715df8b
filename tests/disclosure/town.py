"""A small fixture town for the disclosure probe: two neighbourhoods, people of every consent
state with distinctive names, phones, addresses, contacts and health details (no label or text
shared by two people, so that a substring found names exactly one person), supporters on both
sides, a shelter, a flood area, one finished plan run, users of every role, and an audit log
holding changes that touched personal values."""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from axes.models import AccessFailureLog
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from planner.scenario import Scenario
from planner.services import plan_run_create
from registry.management.commands.create_user import user_create_with_role
from registry.models import (
    EmergencyContact,
    EmergencyDisclosure,
    ImportRecord,
    Neighbourhood,
    Person,
    Supporter,
)
from registry.models.imports import ImportKind
from tests.factories import (
    at,
    make_hazard_area,
    make_neighbourhood,
    make_person,
    make_shelter,
    make_supporter,
    square,
)

PASSWORD = "a-long-password-for-tests"
ROLES = ("officer", "association", "commissioner", "auditor", "stranger", "anonymous")

# (key, neighbourhood code or None, consent, east m, name, kana, health and contact values).
# Each person has reasons, devices and communication keys no one else has.
PEOPLE: tuple[dict[str, Any], ...] = (
    {"key": "in_consent", "area": "N1", "consent": "consented", "east": 0,
     "name": "内田 同意", "kana": "ウチダ ドウイ", "phone": "0463-90-0101",
     "address": "支えあい市本町一丁目アルファ", "medication": "秘薬アルファ",
     "notes": "備考シークレットアルファ", "power_backup": "予備電源アルファ",
     "reasons": ["physical_disability_1"], "medical_devices": ["ventilator"],
     "communication": ["hearing"], "contact": ("連絡 内田家", "090-1111-0101")},
    {"key": "in_ordinance", "area": "N1", "consent": "ordinance", "east": 40,
     "name": "小野 条例", "kana": "オノ ジョウレイ", "phone": "0463-90-0202",
     "address": "支えあい市本町一丁目ベータ", "medication": "秘薬ベータ",
     "notes": "備考シークレットベータ", "power_backup": "",
     "reasons": ["intellectual_a"], "medical_devices": ["oxygen"],
     "communication": [], "contact": ("連絡 小野家", "090-1111-0202")},
    {"key": "in_refused", "area": "N1", "consent": "refused", "east": 80,
     "name": "内海 拒否", "kana": "ウツミ キョヒ", "phone": "0463-90-0303",
     "address": "支えあい市本町一丁目ガンマ", "medication": "秘薬ガンマ",
     "notes": "備考シークレットガンマ", "power_backup": "予備電源ガンマ",
     "reasons": ["mental_1"], "medical_devices": ["suction"],
     "communication": ["visual"], "contact": ("連絡 内海家", "090-1111-0303")},
    {"key": "in_no_reply", "area": "N1", "consent": "no_reply", "east": -80,
     "name": "中村 無回答", "kana": "ナカムラ ムカイトウ", "phone": "0463-90-0404",
     "address": "支えあい市本町一丁目デルタ", "medication": "秘薬デルタ",
     "notes": "備考シークレットデルタ", "power_backup": "",
     "reasons": ["intractable_disease"], "medical_devices": ["dialysis"],
     "communication": [], "contact": ("連絡 中村家", "090-1111-0404")},
    {"key": "out_consent", "area": "N2", "consent": "consented", "east": 1500,
     "name": "外山 遠方", "kana": "トヤマ エンポウ", "phone": "0463-90-0505",
     "address": "支えあい市遠町二丁目イプシロン", "medication": "秘薬イプシロン",
     "notes": "備考シークレットイプシロン", "power_backup": "",
     "reasons": ["care_level_5"], "medical_devices": [],
     "communication": ["cognitive"], "contact": ("連絡 外山家", "090-1111-0505")},
    {"key": "out_border", "area": "N2", "consent": "consented", "east": 700,
     "name": "境 越子", "kana": "サカイ エツコ", "phone": "0463-90-0606",
     "address": "支えあい市遠町二丁目ゼータ", "medication": "秘薬ゼータ",
     "notes": "備考シークレットゼータ", "power_backup": "",
     "reasons": ["physical_disability_3"], "medical_devices": [],
     "communication": [], "contact": ("連絡 境家", "090-1111-0606")},
    {"key": "out_refused", "area": "N2", "consent": "refused", "east": 1550,
     "name": "遠藤 拒絶", "kana": "エンドウ キョゼツ", "phone": "0463-90-0707",
     "address": "支えあい市遠町二丁目エータ", "medication": "秘薬エータ",
     "notes": "備考シークレットエータ", "power_backup": "",
     "reasons": ["mental_2"], "medical_devices": [],
     "communication": [], "contact": ("連絡 遠藤家", "090-1111-0707")},
    {"key": "nowhere", "area": None, "consent": "consented", "east": -300,
     "name": "無所 属子", "kana": "ムショ ゾクコ", "phone": "0463-90-0808",
     "address": "支えあい市番外シータ", "medication": "秘薬シータ",
     "notes": "備考シークレットシータ", "power_backup": "",
     "reasons": ["intellectual_b"], "medical_devices": [],
     "communication": [], "contact": ("連絡 無所家", "090-1111-0808")},
)  # fmt: skip

# Medical contacts (health details, like the devices they reveal), each value held by one
# person only: people on a device in N1 and one in N2.
MEDICAL_CONTACTS: dict[str, dict[str, str]] = {
    "in_consent": {
        "doctor": "秘密医院アルファ", "doctor_phone": "0463-81-0101",
        "nurse": "看護ステーションアルファ", "nurse_phone": "090-2222-0101",
        "device_supplier": "機器業者アルファ", "device_supplier_phone": "080-3333-0101",
    },
    "in_ordinance": {
        "doctor": "秘密医院ベータ", "doctor_phone": "0463-81-0202",
        "device_supplier": "機器業者ベータ", "device_supplier_phone": "080-3333-0202",
    },
    "in_refused": {
        "doctor": "秘密医院ガンマ", "doctor_phone": "0463-81-0303",
        "nurse": "看護ステーションガンマ", "nurse_phone": "090-2222-0303",
        "device_supplier": "機器業者ガンマ", "device_supplier_phone": "080-3333-0303",
    },
    "out_consent": {"doctor": "秘密医院イプシロン", "doctor_phone": "0463-81-0505"},
}  # fmt: skip

# (key, neighbourhood code, east m, name, kana, phone, address, notes). The border supporter
# lives in N1 but within reach of the border person of N2: its association must not learn
# that person's name from the supporter's pages.
SUPPORTERS: tuple[dict[str, Any], ...] = (
    {"key": "in_near", "area": "N1", "east": 10, "name": "支援 近所", "kana": "シエン キンジョ",
     "phone": "0463-70-0101", "address": "支えあい市本町三丁目カッパ", "notes": "支援メモカッパ"},
    {"key": "in_second", "area": "N1", "east": -60, "name": "支援 隣人",
     "kana": "シエン リンジン", "phone": "0463-70-0202", "address": "支えあい市本町三丁目ラムダ",
     "notes": "支援メモラムダ"},
    {"key": "in_border", "area": "N1", "east": 450, "name": "支援 境界",
     "kana": "シエン キョウカイ", "phone": "0463-70-0303", "address": "支えあい市本町三丁目ミュー",
     "notes": "支援メモミュー"},
    {"key": "out_far", "area": "N2", "east": 1510, "name": "支援 遠方",
     "kana": "シエン エンポウ", "phone": "0463-70-0404", "address": "支えあい市遠町三丁目ニュー",
     "notes": "支援メモニュー"},
    {"key": "out_second", "area": "N2", "east": 1560, "name": "支援 他町",
     "kana": "シエン タチョウ", "phone": "0463-70-0505", "address": "支えあい市遠町三丁目クシー",
     "notes": "支援メモクシー"},
)  # fmt: skip

# Values written by the audited changes below: they are the people's and supporters' values
# from then on, and the old ones stay in the log's history.
EDITED_PERSON = "in_refused"
EDITED_PHONE = "0463-99-0303"
EDITED_NOTES = "備考シークレット改ガンマ"
EDITED_SUPPORTER = "out_far"
EDITED_SUPPORTER_NOTES = "支援メモ改ニュー"
REVIEW_TEXT = "家族の要望シークレット"
REVIEWED = "in_consent"
RETIRED = "in_second"


@dataclass
class Town:
    areas: dict[str, Neighbourhood]
    people: dict[str, Person]
    supporters: dict[str, Supporter]
    users: dict[str, Any]
    # Values a person or supporter once had, kept in the audit log's history.
    former: dict[int, list[str]] = field(default_factory=dict)
    supporter_former: dict[int, list[str]] = field(default_factory=dict)
    # Free text about a person written elsewhere (plan reviews).
    person_texts: dict[int, list[str]] = field(default_factory=dict)
    emergency: EmergencyDisclosure | None = None


def client_for(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def build_town() -> Town:
    areas = {
        "N1": make_neighbourhood(code="N1", name="本町", geom=square(-500, -500, 500, 500)),
        "N2": make_neighbourhood(code="N2", name="遠町", geom=square(600, -500, 1600, 500)),
    }
    people: dict[str, Person] = {}
    for spec in PEOPLE:
        person = make_person(
            external_id=f"P-{spec['key'].upper()}", name=spec["name"], kana=spec["kana"],
            phone=spec["phone"], address=spec["address"], medication=spec["medication"],
            notes=spec["notes"], power_backup=spec["power_backup"], reasons=spec["reasons"],
            medical_devices=spec["medical_devices"], communication=spec["communication"],
            consent=spec["consent"], location=at(spec["east"], 0),
            neighbourhood=areas[spec["area"]] if spec["area"] else None,
            **MEDICAL_CONTACTS.get(spec["key"], {}),
        )  # fmt: skip
        contact_name, contact_phone = spec["contact"]
        EmergencyContact.objects.create(
            person=person, name=contact_name, relation="長女", phone=contact_phone
        )
        people[spec["key"]] = person
    supporters: dict[str, Supporter] = {}
    for spec in SUPPORTERS:
        supporters[spec["key"]] = make_supporter(
            external_id=f"S-{spec['key'].upper()}", name=spec["name"], kana=spec["kana"],
            phone=spec["phone"], address=spec["address"], notes=spec["notes"],
            neighbourhood=areas[spec["area"]], location=at(spec["east"], 10),
            available=["weekday_night"], capacity=2, can_push_wheelchair=True, can_carry=True,
        )  # fmt: skip
    make_shelter(external_id="1499900000001", name="本町小学校", address="支えあい市本町二丁目",
                 location=at(0, 300), hazards=["flood"])  # fmt: skip
    make_shelter(external_id="1499900000002", name="遠町ケアセンター",
                 address="支えあい市遠町一丁目", location=at(1100, 300), hazards=["flood"],
                 kind="welfare_shelter")  # fmt: skip
    make_hazard_area(kind="flood", level=3, geom=square(-200, -100, 1600, 100))
    plan_run_create(scenario=Scenario("flood", "weekday_night"), performed_by="test")
    users: dict[str, Any] = {}
    for role, scope in (
        ("officer", []),
        ("officer2", []),
        ("association", ["N1"]),
        ("commissioner", ["N1"]),
        ("auditor", []),
    ):
        user_create_with_role(
            username=role, role=role.rstrip("2"), neighbourhoods=scope, password=PASSWORD
        )
        users[role] = get_user_model().objects.get(username=role)
    users["stranger"] = get_user_model().objects.create_user(
        "stranger", password=PASSWORD, is_staff=True
    )
    users["anonymous"] = None
    town = Town(areas=areas, people=people, supporters=supporters, users=users)
    _leave_records_for_every_admin_page(town)
    return town


def _leave_records_for_every_admin_page(town: Town) -> None:
    """One record of each kind the admin lists: an import, a failed login (django-axes) and an
    emergency of N2 that has ended, so that every change page has something to show."""
    now = timezone.now()
    ImportRecord.objects.create(
        kind=ImportKind.PERSONS, file_format="csv", file_name="persons.csv", checksum="0" * 64,
        user=town.users["officer"], performed_by="officer", started_at=now, finished_at=now,
        rows=len(PEOPLE), created=len(PEOPLE), updated=0, unchanged=0,
    )  # fmt: skip
    Client().post(reverse("login"), {"username": "stranger", "password": "wrong"})
    if not AccessFailureLog.objects.exists():  # kept only where settings ask for it
        AccessFailureLog.objects.create(
            username="stranger", ip_address="127.0.0.1", user_agent="probe",
            path_info="/accounts/login/", locked_out=False,
        )  # fmt: skip
    ended = open_emergency(town, "N2")
    client_for(town.users["officer"]).post(
        reverse("admin:registry_emergencydisclosure_changelist"),
        {"action": "end_now", "_selected_action": [ended.pk]},
    )
    ended.refresh_from_db()
    assert not ended.is_active
    town.emergency = None


# --- changes that leave personal values in the audit log ----------------------------------


def _form_data(response: Any) -> dict[str, Any]:
    """The POST data an admin change form would send back unchanged, read from its context."""
    data: dict[str, Any] = {}
    context = response.context
    form = context["adminform"].form
    for name in form.fields:
        _put(data, form.add_prefix(name), form[name].value())
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            _put(data, management.add_prefix(name), management[name].value())
        for sub in formset.forms:
            for name in sub.fields:
                _put(data, sub.add_prefix(name), sub[name].value())
    return data


def _put(data: dict[str, Any], key: str, value: Any) -> None:
    if value is None or value is False:
        return
    if value is True:
        data[key] = "on"
    elif isinstance(value, list | tuple):
        data[key] = [str(item) for item in value]
    else:
        data[key] = str(value)


def _admin_edit(client: Client, url: str, changes: dict[str, str]) -> None:
    page = client.get(url)
    assert page.status_code == 200, url
    data = _form_data(page)
    data.update(changes)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]


def leave_personal_values_in_the_log(town: Town) -> None:
    """An officer edits a person and a supporter in the admin, an association records a review
    and retires a supporter through its pages: the log then holds entries about such values."""
    officer = client_for(town.users["officer"])
    person = town.people[EDITED_PERSON]
    town.former.setdefault(person.pk, []).extend([person.phone, person.notes])
    _admin_edit(
        officer,
        reverse("admin:registry_person_change", args=[person.pk]),
        {"phone": EDITED_PHONE, "notes": EDITED_NOTES},
    )
    person.refresh_from_db()
    assert person.phone == EDITED_PHONE

    supporter = town.supporters[EDITED_SUPPORTER]
    town.supporter_former.setdefault(supporter.pk, []).append(supporter.notes)
    _admin_edit(
        officer,
        reverse("admin:registry_supporter_change", args=[supporter.pk]),
        {"notes": EDITED_SUPPORTER_NOTES},
    )
    supporter.refresh_from_db()

    association = client_for(town.users["association"])
    reviewed = town.people[REVIEWED]
    response = association.post(
        reverse("person_review", args=[reviewed.pk]),
        {"reviewed_on": timezone.localdate().isoformat(), "changes_requested": REVIEW_TEXT},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    town.person_texts.setdefault(reviewed.pk, []).append(REVIEW_TEXT)

    retired = town.supporters[RETIRED]
    response = association.post(
        reverse("supporter_retire", kwargs={"code": "N1", "pk": retired.pk})
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    retired.refresh_from_db()
    assert not retired.active


# --- an emergency disclosure under dual control ----------------------------------------------


def open_emergency(town: Town, code: str = "N1") -> EmergencyDisclosure:
    """Declared by one officer through the admin, confirmed by a second, covering the area."""
    ends = timezone.localtime() + dt.timedelta(hours=24)
    response = client_for(town.users["officer"]).post(
        reverse("admin:registry_emergencydisclosure_add"),
        {"hazard": "flood", "reason": "大雨特別警報", "neighbourhoods": [town.areas[code].pk],
         "ends_at_0": ends.strftime("%Y-%m-%d"), "ends_at_1": ends.strftime("%H:%M:%S")},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    disclosure = EmergencyDisclosure.objects.latest("declared_at")
    client_for(town.users["officer2"]).post(
        reverse("admin:registry_emergencydisclosure_changelist"),
        {"action": "confirm", "_selected_action": [disclosure.pk]},
    )
    disclosure.refresh_from_db()
    assert disclosure.is_active, "the second officer's confirmation did not open the emergency"
    town.emergency = disclosure
    return disclosure
