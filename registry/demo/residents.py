"""The town's people on the list and their supporters, drawn with realistic needs.

Proportions follow what Japanese municipalities report: mostly people over 65 with a care
level, a share of disability certificates, a few lives on powered medical devices, most
consenting to share; supporters who are often away on weekdays and often elderly themselves.
"""

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from faker import Faker

from registry.demo.layout import Area, Ground

# Everything is dated from one fixed day, so that the same seed gives the same town whatever
# the day it is built on.
REFERENCE_DAY = dt.date(2026, 4, 1)
AREA_CODE = "0463"


@dataclass(slots=True)
class ContactRow:
    position: int
    name: str
    relation: str
    phone: str


@dataclass(slots=True)
class PersonRow:
    external_id: str
    name: str
    kana: str
    birth_date: dt.date
    sex: str
    address: str
    phone: str
    x: float
    y: float
    reasons: list[str]
    mobility: str
    lives_alone: bool
    medical_devices: list[str]
    power_backup: str
    medication: str
    mobility_aids: str
    care_while_moving: str
    communication: list[str]
    place_in_home: str
    status: str
    status_date: dt.date
    review_date: dt.date
    consent: str
    consent_date: dt.date | None
    consent_basis: str
    contacts: list[ContactRow] = field(default_factory=list)
    doctor: str = ""
    doctor_phone: str = ""
    nurse: str = ""
    nurse_phone: str = ""
    device_supplier: str = ""
    device_supplier_phone: str = ""


@dataclass(slots=True)
class SupporterRow:
    external_id: str
    name: str
    kana: str
    address: str
    phone: str
    x: float
    y: float
    role: str
    capacity: int
    available: list[str]
    can_push_wheelchair: bool
    can_carry: bool
    has_car: bool
    birth_year: int


def pick[T](rng: random.Random, options: Sequence[tuple[T, float]]) -> T:
    values = [value for value, _ in options]
    weights = [weight for _, weight in options]
    return rng.choices(values, weights)[0]


class Households:
    """Homes cluster along streets: points are drawn around a fixed set of street centres."""

    def __init__(self, rng: random.Random, ground: Ground, streets: int) -> None:
        self.rng = rng
        self.side = ground.side
        self.centres = [
            (rng.uniform(0, ground.side), rng.uniform(0, ground.side)) for _ in range(streets)
        ]

    def home(self) -> tuple[float, float]:
        cx, cy = self.rng.choice(self.centres)
        x = min(max(self.rng.gauss(cx, 70), 1.0), self.side - 1)
        y = min(max(self.rng.gauss(cy, 70), 1.0), self.side - 1)
        return x, y


class Names:
    def __init__(self, seed: int) -> None:
        self.faker = Faker("ja_JP")
        self.faker.seed_instance(seed)

    def person(self, sex: str) -> tuple[str, str, str]:
        """(name, kana, family name) with the reading matching the characters."""
        last, last_kana, _ = self.faker.last_name_pair()
        pair = (
            self.faker.first_name_female_pair()
            if sex == "female"
            else self.faker.first_name_male_pair()
        )
        return f"{last} {pair[0]}", f"{last_kana} {pair[1]}", last

    def given(self, sex: str) -> str:
        pair = (
            self.faker.first_name_female_pair()
            if sex == "female"
            else self.faker.first_name_male_pair()
        )
        return str(pair[0])


def address(rng: random.Random, area: Area, home: tuple[float, float]) -> str:
    """The 番 from where the home stands (the town's address reference places it there); the
    draw it once came from is still made, so that the rest of a seed's town stays the same."""
    rng.randint(1, 30)
    return f"支えあい市{area.name}{area.ban_at(*home)}番{rng.randint(1, 25)}号"


def landline(rng: random.Random) -> str:
    return f"{AREA_CODE}-{rng.randint(20, 99)}-{rng.randint(0, 9999):04d}"


def mobile(rng: random.Random) -> str:
    return f"0{rng.choice((7, 8, 9))}0-{rng.randint(0, 9999):04d}-{rng.randint(0, 9999):04d}"


# Needs are drawn by profile: what kind of person this is decides reasons and mobility together.
PROFILES = (
    ("frail_elderly", 0.46),
    ("heavy_care", 0.14),
    ("physical", 0.14),
    ("intellectual", 0.07),
    ("mental", 0.05),
    ("intractable", 0.04),
    ("elderly_alone", 0.10),
)

PLACES_IN_HOME = (
    "1階の居間",
    "1階の寝室（奥）",
    "1階の和室",
    "2階の寝室",
    "居間の介護ベッド",
    "1階の台所横の部屋",
)
MEDICATION = ("降圧剤", "糖尿病の薬（インスリン）", "抗てんかん薬", "心臓の薬", "睡眠薬", "")
RELATIONS = (("長男", "male"), ("長女", "female"), ("次男", "male"), ("次女", "female"))
# Fictional clinics, nursing stations and suppliers of the demo town.
CLINICS = ("本町内科クリニック", "川端診療所", "緑町ファミリークリニック", "栄町在宅医療クリニック",
           "支えあい市民病院 在宅診療部", "旭町医院")  # fmt: skip
NURSING = ("支えあい訪問看護ステーション", "ひまわり訪問看護ステーション",
           "さくら訪問看護ステーション", "あおば訪問看護ステーション")  # fmt: skip
SUPPLIERS = {
    "oxygen": ("支えあい酸素サービス", "みどり医療ガス"),
    "ventilator": ("ライフケア機器 支えあい営業所",),
    "suction": ("あおぞらメディカル",),
    "dialysis": ("ライフケア機器 支えあい営業所", "あおぞらメディカル"),
}


def _needs(rng: random.Random, profile: str) -> tuple[list[str], str, int]:
    """(reasons, mobility, age) for one profile."""
    if profile == "heavy_care":
        level = int(pick(rng, ((4, 0.5), (5, 0.5))))
        mobility = str(pick(rng, (("bedridden", 0.45), ("wheelchair", 0.45), ("needs_hand", 0.1))))
        return [f"care_level_{level}"], mobility, rng.randint(72, 101)
    if profile == "frail_elderly":
        level = int(pick(rng, ((1, 0.25), (2, 0.3), (3, 0.45))))
        mobility = str(pick(rng, (("needs_hand", 0.5), ("walks_alone", 0.2), ("wheelchair", 0.3))))
        return [f"care_level_{level}"], mobility, rng.randint(68, 99)
    if profile == "physical":
        grade = int(pick(rng, ((1, 0.55), (2, 0.35), (3, 0.1))))
        mobility = str(pick(rng, (("wheelchair", 0.55), ("needs_hand", 0.3), ("bedridden", 0.15))))
        return [f"physical_disability_{grade}"], mobility, rng.randint(25, 95)
    if profile == "intellectual":
        return ["intellectual_a"], "needs_guidance", rng.randint(18, 70)
    if profile == "mental":
        return ["mental_1"], "needs_guidance", rng.randint(25, 80)
    if profile == "intractable":
        mobility = str(pick(rng, (("wheelchair", 0.5), ("bedridden", 0.3), ("needs_hand", 0.2))))
        return ["intractable_disease"], mobility, rng.randint(35, 90)
    return (
        ["elderly_alone"],
        str(pick(rng, (("walks_alone", 0.6), ("needs_hand", 0.4)))),
        (rng.randint(75, 98)),
    )


def make_person(
    rng: random.Random, names: Names, number: int, home: tuple[float, float], area: Area
) -> PersonRow:
    sex = str(pick(rng, (("female", 0.6), ("male", 0.39), ("other", 0.01))))
    name, kana, family = names.person(sex)
    profile = pick(rng, PROFILES)
    reasons, mobility, age = _needs(rng, profile)
    lives_alone = profile == "elderly_alone" or rng.random() < 0.3
    if age >= 65 and lives_alone and "elderly_alone" not in reasons and rng.random() < 0.3:
        reasons.append("elderly_alone")
    devices = []
    if profile in ("heavy_care", "intractable", "physical") and rng.random() < 0.2:
        devices.append(
            str(pick(rng, (("oxygen", 5), ("ventilator", 1), ("suction", 2), ("dialysis", 3))))
        )
    communication = []
    if rng.random() < 0.05:
        communication.append("hearing")
    if rng.random() < 0.04:
        communication.append("visual")
    if profile == "intellectual" or (age > 85 and rng.random() < 0.2):
        communication.append("cognitive")
    if rng.random() < 0.01:
        communication.append(
            str(rng.choice(("language:en", "language:zh", "language:vi", "language:pt")))
        )
    status = str(
        pick(
            rng,
            (
                ("active", 94),
                ("hospitalised", 2),
                ("moved", 1.5),
                ("institutionalised", 1.5),
                ("deceased", 1),
            ),
        )
    )
    consent = str(
        pick(rng, (("consented", 70), ("ordinance", 8), ("no_reply", 12), ("refused", 10)))
    )
    consent_date = (
        REFERENCE_DAY - dt.timedelta(days=rng.randint(30, 1500)) if consent == "consented" else None
    )
    birth_date = REFERENCE_DAY - dt.timedelta(days=age * 365 + rng.randint(0, 364))
    row = PersonRow(
        external_id=f"P-{number:06d}",
        name=name,
        kana=kana,
        birth_date=birth_date,
        sex=sex,
        address=address(rng, area, home),
        phone=landline(rng) if rng.random() < 0.9 else "",
        x=home[0],
        y=home[1],
        reasons=reasons,
        mobility=mobility,
        lives_alone=lives_alone,
        medical_devices=devices,
        power_backup=str(
            rng.choice(("予備バッテリー（8時間）", "発電機あり", "予備バッテリー（4時間）"))
        )
        if devices
        else "",
        medication=str(rng.choice(MEDICATION)),
        mobility_aids={
            "wheelchair": "車いす",
            "needs_hand": "杖",
            "bedridden": "介護ベッド・ストレッチャー",
        }.get(mobility, ""),
        care_while_moving={
            "wheelchair": "車いすを押す。段差では二人で持ち上げる。",
            "bedridden": "二人以上で担架または車で搬送する。",
            "needs_hand": "手を引き、ゆっくり歩く。",
            "needs_guidance": "声をかけ、付き添って誘導する。",
        }.get(mobility, ""),
        communication=communication,
        place_in_home=str(rng.choice(PLACES_IN_HOME)),
        status=status,
        status_date=REFERENCE_DAY - dt.timedelta(days=rng.randint(0, 700)),
        review_date=REFERENCE_DAY + dt.timedelta(days=rng.randint(30, 365)),
        consent=consent,
        consent_date=consent_date,
        consent_basis={"consented": "同意書", "ordinance": "支えあい市避難支援条例第5条"}.get(
            consent, ""
        ),
    )
    for position in range(1, int(pick(rng, ((0, 0.15), (1, 0.6), (2, 0.25)))) + 1):
        relation, relative_sex = rng.choice(RELATIONS)
        row.contacts.append(
            ContactRow(position, f"{family} {names.given(relative_sex)}", relation, mobile(rng))
        )
    _medical_contacts(row)
    return row


def _medical_contacts(row: PersonRow) -> None:
    """Doctor, nursing and supplier for most people on a device. Drawn from a generator of
    their own (seeded by the person), so that the rest of the town stays what the seed gave."""
    if not row.medical_devices:
        return
    own = random.Random(f"medical {row.external_id} {row.name}")
    if own.random() < 0.85:
        row.doctor, row.doctor_phone = own.choice(CLINICS), landline(own)
    if own.random() < 0.7:
        row.nurse, row.nurse_phone = own.choice(NURSING), mobile(own)
    if own.random() < 0.9:
        supplier = own.choice(SUPPLIERS.get(row.medical_devices[0], SUPPLIERS["dialysis"]))
        row.device_supplier, row.device_supplier_phone = supplier, mobile(own)


# Availability by way of life: many supporters work away on weekdays; retired ones are home.
AVAILABILITY = (
    (("weekday_night", "weekend_day", "weekend_night"), 0.45),
    (("weekday_day", "weekday_night", "weekend_day", "weekend_night"), 0.3),
    (("weekday_night", "weekend_night"), 0.1),
    (("weekday_day", "weekend_day"), 0.1),
    (("weekend_day", "weekend_night"), 0.05),
)
ROLES = (
    ("neighbour", 60),
    ("association", 15),
    ("welfare_commissioner", 5),
    ("family", 10),
    ("care_worker", 5),
    ("fire_corps", 5),
)


def make_supporter(
    rng: random.Random, names: Names, number: int, home: tuple[float, float], area: Area
) -> SupporterRow:
    sex = str(pick(rng, (("female", 0.5), ("male", 0.5))))
    name, kana, _ = names.person(sex)
    available = list(pick(rng, AVAILABILITY))
    birth_year = int(pick(rng, ((rng.randint(1940, 1951), 0.3), (rng.randint(1952, 2004), 0.7))))
    young = birth_year > 1960
    return SupporterRow(
        external_id=f"S-{number:06d}",
        name=name,
        kana=kana,
        address=address(rng, area, home),
        phone=mobile(rng),
        x=home[0],
        y=home[1],
        role=str(pick(rng, ROLES)),
        capacity=int(pick(rng, ((1, 0.6), (2, 0.3), (3, 0.1)))),
        available=available,
        can_push_wheelchair=rng.random() < (0.5 if young else 0.3),
        can_carry=young and rng.random() < 0.3,
        has_car=rng.random() < 0.4,
        birth_year=birth_year,
    )
