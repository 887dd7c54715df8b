"""Build a demo town in memory: pure Python, no database, the same town for the same seed."""

import random
from collections.abc import Callable
from dataclasses import dataclass

from registry.demo.layout import Ground, lay_ground
from registry.demo.plane import Plane
from registry.demo.residents import (
    Households,
    Names,
    PersonRow,
    SupporterRow,
    make_person,
    make_supporter,
)
from registry.demo.sites import ShelterRow, make_shelter

# The south-west corner of the town: a river plain with hills to the north, in Kanagawa.
ORIGIN = Plane(origin_lat=35.358, origin_lon=139.312)
PEOPLE_PER_STREET = 4

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Town:
    plane: Plane
    ground: Ground
    persons: list[PersonRow]
    supporters: list[SupporterRow]
    shelters: list[ShelterRow]


def ground_for(seed: int, people: int) -> Ground:
    """The ground `build_town` lays for this seed and number of people, without anyone on it:
    the ground takes the generator's first draws."""
    return lay_ground(random.Random(seed), people)


def build_town(
    *, seed: int, people: int, supporters: int, shelters: int, progress: Progress | None = None
) -> Town:
    say = progress or (lambda message: None)
    rng = random.Random(seed)
    ground = lay_ground(rng, people)
    say(f"ground: {ground.side / 1000:.1f} km square, {len(ground.neighbourhoods)} neighbourhoods")
    households = Households(rng, ground, max(1, people // PEOPLE_PER_STREET))
    names = Names(seed)
    person_rows = []
    for number in range(1, people + 1):
        home = households.home()
        person_rows.append(make_person(rng, names, number, home, ground.area_at(*home)))
        if number % 20_000 == 0:
            say(f"people: {number:,} of {people:,}")
    supporter_rows = []
    for number in range(1, supporters + 1):
        home = households.home()
        supporter_rows.append(make_supporter(rng, names, number, home, ground.area_at(*home)))
    say(f"supporters: {supporters:,}")
    shelter_rows = [make_shelter(rng, ground, number) for number in range(1, shelters + 1)]
    say(f"shelters: {shelters:,}")
    return Town(ORIGIN, ground, person_rows, supporter_rows, shelter_rows)


def count_argument(value: str) -> int:
    """A command-line count of people, supporters or shelters: a whole number, 0 or more."""
    number = int(value)
    if number < 0:
        raise ValueError(value)
    return number
