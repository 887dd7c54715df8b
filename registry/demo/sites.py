"""The town's shelters: emergency sites, designated shelters and welfare shelters, flagged for
the hazards they are safe from, the way municipalities publish them."""

import random
from dataclasses import dataclass

from registry.demo.layout import Ground
from registry.demo.residents import address, pick

MUNICIPALITY_CODE = "14999"  # a code no real municipality uses

SITE_NAMES = ("小学校", "中学校", "公園", "公民館", "地区センター", "高等学校", "体育館")
SHELTER_NAMES = ("小学校体育館", "中学校体育館", "コミュニティセンター", "市民会館", "地区センター")
WELFARE_NAMES = ("特別養護老人ホーム", "障害者福祉センター", "老人保健施設", "福祉会館")
WELFARE_ACCEPTS = ("要介護高齢者", "障害者", "要介護高齢者・障害者", "医療的ケアが必要な方")


@dataclass(slots=True)
class ShelterRow:
    external_id: str
    name: str
    address: str
    x: float
    y: float
    kind: str
    capacity: int | None
    hazards: list[str]
    barrier_free: bool
    accepts: str


def _hazards(rng: random.Random, levels: dict[str, int]) -> list[str]:
    """Flags as a municipality would set them: earthquake nearly everywhere; flood only where
    the ground stays dry, except the odd building whose upper floors were designated anyway
    (which the planner must then refuse, since it lies in the flood area)."""
    flags = ["earthquake"] if rng.random() < 0.95 else []
    if rng.random() < 0.8:
        flags.append("large_fire")
    in_flood = levels.get("flood", 0) >= 1
    if (not in_flood and rng.random() < 0.9) or (in_flood and rng.random() < 0.15):
        flags.append("flood")
    if "landslide" not in levels or rng.random() < 0.1:
        flags.append("landslide")
    if not in_flood and rng.random() < 0.5:
        flags.append("inland_flood")
    return flags


def make_shelter(rng: random.Random, ground: Ground, number: int) -> ShelterRow:
    x, y = rng.uniform(0, ground.side), rng.uniform(0, ground.side)
    area = ground.area_at(x, y)
    kind = pick(rng, (("emergency_site", 0.55), ("shelter", 0.33), ("welfare_shelter", 0.12)))
    if number == 1:
        kind = "welfare_shelter"  # every town has at least one
    if kind == "welfare_shelter":
        name = f"{area.name}{rng.choice(WELFARE_NAMES)}"
        capacity: int | None = rng.randint(10, 60)
        barrier_free, accepts = True, rng.choice(WELFARE_ACCEPTS)
    elif kind == "shelter":
        name = f"{area.name}{rng.choice(SHELTER_NAMES)}"
        capacity = rng.randint(100, 800)
        barrier_free, accepts = rng.random() < 0.6, ""
    else:
        name = f"{area.name}{rng.choice(SITE_NAMES)}"
        capacity = None if rng.random() < 0.4 else rng.randint(200, 2000)
        barrier_free, accepts = rng.random() < 0.4, ""
    return ShelterRow(
        external_id=f"{MUNICIPALITY_CODE}{number:09d}",
        name=name,
        address=address(rng, area, (x, y)),
        x=x,
        y=y,
        kind=kind,
        capacity=capacity,
        hazards=_hazards(rng, ground.levels_at(x, y)),
        barrier_free=barrier_free,
        accepts=accepts,
    )
