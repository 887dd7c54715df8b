"""Place a city's 100,000 people from their addresses alone, and print the figures.

    .venv/bin/python -m bench.place_addresses [--people 100000 --blocks-per-town 150]

Runs on its own database (sasaeai_bench_addr in the local cluster), never the demo's. The
address reference is the city-scale demo town's own (registry/demo/addresses.py: one block
point per 番 1–30 of each of its 225 towns, and one point per town) with synthetic block
points added for 番 31 to `--blocks-per-town`, spread over each town, so that the city has as
many block points as a real city's 街区 file (about 30,000) and the reference is that large
to load and to search. The people's addresses only use 番 1–30.

The addresses are placed as the demo writes them (支えあい市本町一丁目12番5号), then
rewritten with Arabic, full-width and kanji numerals (本町１丁目十二番五号) and with
hyphens of every kind (本町1－12－5): what the normaliser costs shows as the difference.
Every block found is checked against the 番 the demo wrote: "misplaced" counts addresses
placed at another block than their own, which no import problem would reveal.
The persons.csv imported holds a third of each spelling and no `lat`/`lon` columns; the
baseline beside it is the same file with coordinates, imported into an emptied registry in
the same run.
"""

import argparse
import csv
import dataclasses
import random
import re
import tempfile
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from bench.setup import django_on_bench_database, machine, peak_rss_mb

BENCH_DATABASE = "sasaeai_bench_addr"
REAL_CITY_BLOCKS = 30_000

_DEMO_ADDRESS = re.compile(
    r"(?P<city>支えあい市)(?P<town>.+?)(?:(?P<chome>[一二三四五六七八九])丁目)?"
    r"(?P<ban>\d+)番(?P<go>\d+)号"
)
_KANJI_DIGITS = "〇一二三四五六七八九"
_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
_DASHES = ("-", "－", "―", "‐")


# --- spellings of one address ----------------------------------------------------------------


def kanji(number: int) -> str:
    """1 to 999 in kanji numerals as addresses write them: 十二, 二十五, 百三."""
    hundreds, rest = divmod(number, 100)
    tens, ones = divmod(rest, 10)
    text = ""
    if hundreds:
        text += ("" if hundreds == 1 else _KANJI_DIGITS[hundreds]) + "百"
    if tens:
        text += ("" if tens == 1 else _KANJI_DIGITS[tens]) + "十"
    if ones:
        text += _KANJI_DIGITS[ones]
    return text


def numerals(address: str, index: int) -> str:
    """The address with full-width digits and kanji numerals, in two mixes."""
    found = _DEMO_ADDRESS.fullmatch(address)
    if found is None:
        return address
    town, ban, go = found["town"], int(found["ban"]), int(found["go"])
    chome = _chome(found)
    if index % 2:
        full = f"{_KANJI_DIGITS.index(chome)}丁目".translate(_FULL_WIDTH) if chome else ""
        return f"{found['city']}{town}{full}{kanji(ban)}番{kanji(go)}号"
    ban_full, go_full = str(ban).translate(_FULL_WIDTH), str(go).translate(_FULL_WIDTH)
    written = f"{chome}丁目" if chome else ""
    return f"神奈川県{found['city']}{town}{written}{ban_full}番地{go_full}"


def hyphens(address: str, index: int) -> str:
    """The address with its numbers joined by one of the dashes in use, in two mixes."""
    found = _DEMO_ADDRESS.fullmatch(address)
    if found is None:
        return address
    dash = _DASHES[index % len(_DASHES)]
    town, ban, go, chome = found["town"], found["ban"], found["go"], _chome(found)
    if not chome:
        # A town without 丁目 keeps its 番: "清水町3-3" would be ambiguous in a city that also
        # has 清水町三丁目 (the importer refuses it, naming both), as this town's has.
        return f"{found['city']}{town}{ban}番地{dash}{go}"
    if index % 2:
        number = f"{_KANJI_DIGITS.index(chome)}{dash}"
        return f"{found['city']}{town}{number}{ban}{dash}{go}"
    return f"{found['city']} {town}{chome}丁目 {ban}{dash}{go}"


def as_written(address: str, index: int) -> str:
    return address


SPELLINGS: dict[str, Callable[[str, int], str]] = {
    "as written (12番5号)": as_written,
    "numerals (１丁目十二番五号)": numerals,
    "hyphens (1－12－5)": hyphens,
}


def mixed(addresses: list[str]) -> list[str]:
    """A third of the addresses in each spelling."""
    spell = list(SPELLINGS.values())
    return [spell[index % 3](address, index) for index, address in enumerate(addresses)]


def block_of(address: str) -> str | None:
    """The block of a demo address as the reference publishes it: 支えあい市本町一丁目12番."""
    found = _DEMO_ADDRESS.fullmatch(address)
    if found is None:
        return None
    chome = _chome(found)
    written = f"{chome}丁目" if chome else ""
    return f"{found['city']}{found['town']}{written}{found['ban']}番"


def _chome(found: re.Match[str]) -> str:
    """The 丁目's kanji numeral, empty for a town without 丁目 (a small demo town's)."""
    return found["chome"] or ""


# --- the reference -----------------------------------------------------------------------------


def add_synthetic_blocks(town: Any, block_file: Path, blocks_per_town: int, seed: int) -> int:
    """Append block points for 番 31 to `blocks_per_town` of every town to the demo's block file,
    each at a random spot inside its town; returns how many were added."""
    from django.contrib.gis.gdal import CoordTransform, SpatialReference
    from django.contrib.gis.geos import Point

    from registry.demo.addresses import BAN_COUNT, CITY, PLANE_SRID, PLANE_ZONE, PREFECTURE

    to_plane = CoordTransform(SpatialReference(4326), SpatialReference(PLANE_SRID))
    rows = []
    for area in town.ground.neighbourhoods:
        rng = random.Random(f"{seed} {area.code}")
        xmin, ymin, xmax, ymax = area.shape.extent
        for ban in range(BAN_COUNT + 1, blocks_per_town + 1):
            while True:
                x, y = rng.uniform(xmin, xmax), rng.uniform(ymin, ymax)
                if area.prepared.contains(Point(x, y)):
                    break
            lon, lat = town.plane.lonlat(x, y)
            plane = Point(lon, lat, srid=4326)
            plane.transform(to_plane)
            rows.append(
                [PREFECTURE, CITY, area.name, "", str(ban), PLANE_ZONE, f"{plane.y:.1f}",
                 f"{plane.x:.1f}", str(lat), str(lon), "1", "1", "0", "0"]
            )  # fmt: skip
    with block_file.open("a", encoding="cp932", newline="") as handle:
        csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(rows)
    return len(rows)


# --- the people --------------------------------------------------------------------------------


def write_persons(town: Any, addresses: list[str], path: Path, coordinates: bool) -> None:
    """The town's people in persons.csv's columns, with the given addresses; without `lat`,
    `lon` and `placed` unless `coordinates`."""
    from registry.importers.persons import SCHEMA

    left_out = set() if coordinates else {"lat", "lon", "placed"}
    keys = [key for key in SCHEMA.keys if key not in left_out]
    kept = [index for index, key in enumerate(SCHEMA.keys) if key not in left_out]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(keys)
        for p, address in zip(town.persons, addresses, strict=True):
            lon, lat = town.plane.lonlat(p.x, p.y)
            contact = p.contacts[0] if p.contacts else None
            cells = SCHEMA.format(
                {
                    "id": p.external_id, "name": p.name, "kana": p.kana,
                    "birth_date": p.birth_date, "sex": p.sex, "address": address,
                    "phone": p.phone, "lat": lat, "lon": lon, "reasons": p.reasons,
                    "mobility": p.mobility, "lives_alone": p.lives_alone,
                    "medical_devices": p.medical_devices, "communication": p.communication,
                    "consent": p.consent, "consent_date": p.consent_date, "status": p.status,
                    "emergency_contact_name": contact.name if contact else "",
                    "emergency_contact_relation": contact.relation if contact else "",
                    "emergency_contact_phone": contact.phone if contact else "",
                }
            )  # fmt: skip
            writer.writerow([cells[index] for index in kept])


@dataclasses.dataclass
class Placing:
    seconds: float
    levels: Counter[str]
    problems: list[tuple[str, str]]  # (address, why)
    misplaced: list[tuple[str, str]]  # (address, the block it was placed at)


def place_all(reference: Any, spelled: list[str], written: list[str], hint: str | None) -> Placing:
    """Reference.place over every address, checking each block against the demo's own."""
    from registry.addresses.matching import NotPlaced

    started = time.perf_counter()
    found = [reference.place(address, hint) for address in spelled]
    seconds = time.perf_counter() - started
    levels: Counter[str] = Counter()
    problems, misplaced = [], []
    for address, original, place in zip(spelled, written, found, strict=True):
        if isinstance(place, NotPlaced):
            problems.append((address, f"{place.reason}: {'、'.join(place.candidates)}"))
            continue
        levels[place.level] += 1
        if place.level == "block" and place.matched != block_of(original):
            misplaced.append((address, place.matched))
    return Placing(seconds, levels, problems, misplaced)


def normalise_seconds(texts: list[str]) -> float:
    from registry.addresses.normalise import normalise

    started = time.perf_counter()
    for text in texts:
        normalise(text)
    return time.perf_counter() - started


def timed[T](work: Callable[[], T]) -> tuple[float, T]:
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def rate(count: int, seconds: float, unit: str = "") -> str:
    return f"{seconds:6.2f} s {count / seconds:10,.0f} {unit}/s".replace(" /s", "/s")


def pad(text: str, width: int) -> str:
    """`text` left-aligned in `width` columns of a terminal, where kanji take two."""
    columns = sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)
    return text + " " * max(width - columns, 0)


def show(examples: Iterable[tuple[str, str]], limit: int = 5) -> None:
    for address, why in list(examples)[:limit]:
        print(f"      {address}  →  {why}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--blocks-per-town", type=int, default=150)
    args = parser.parse_args()
    # Its own database, so that the address reference it loads stays out of the other benches'.
    django_on_bench_database(BENCH_DATABASE)

    from django.conf import settings
    from django.utils import translation

    from registry.addresses.selectors import load_reference
    from registry.demo.addresses import demo_address_files
    from registry.demo.loader import demo_town_load
    from registry.demo.town import build_town
    from registry.importers.columns import Row
    from registry.importers.persons import SCHEMA
    from registry.importers.placing import place_homes
    from registry.importers.service import import_file
    from registry.importers.tables import read_table
    from registry.models import AddressPoint, Person
    from registry.services import registry_wipe

    def empty_registry() -> None:
        """No people; the town's neighbourhoods, which persons.csv may name, are kept."""
        registry_wipe()
        demo_town_load(dataclasses.replace(town, persons=[]))

    built, town = timed(
        lambda: build_town(seed=args.seed, people=args.people, supporters=0, shelters=0)
    )
    empty_registry()
    AddressPoint.objects.all().delete()
    written = [p.address for p in town.persons]
    hint = settings.ADDRESS_CITY or None

    with tempfile.TemporaryDirectory() as folder:
        directory = Path(folder)
        block_file, town_file = demo_address_files(town, directory)
        added = add_synthetic_blocks(town, block_file, args.blocks_per_town, args.seed)
        block_seconds, block_import = timed(
            lambda: import_file("addresses", block_file, performed_by="bench")
        )
        town_seconds, town_import = timed(
            lambda: import_file("addresses", town_file, performed_by="bench")
        )
        block_rows, town_rows = block_import.counts.created, town_import.counts.created

        load_seconds, reference = timed(load_reference)
        spelled = {
            label: [spell(address, index) for index, address in enumerate(written)]
            for label, spell in SPELLINGS.items()
        }
        placings = {
            label: place_all(reference, texts, written, hint) for label, texts in spelled.items()
        }
        normalising = {label: normalise_seconds(texts) for label, texts in spelled.items()}
        addresses = mixed(written)
        placing_mixed = place_all(reference, addresses, written, hint)
        del reference

        bare, given = directory / "persons-bare.csv", directory / "persons-given.csv"
        write_persons(town, addresses, bare, coordinates=False)
        write_persons(town, addresses, given, coordinates=True)

        # The importer's own placing step over the parsed rows of the file: the query for
        # hand-placed homes, load_reference() and one place() per row.
        rows: list[Row] = SCHEMA.parse(read_table(bare))[0]
        step_seconds, step_problems = timed(lambda: place_homes(rows, Person))
        step_levels = Counter(str(row.values["placed"]) for row in rows)

        given_seconds, given_import = timed(
            lambda: import_file("persons", given, performed_by="bench")
        )
        empty_registry()
        bare_seconds, bare_import = timed(
            lambda: import_file("persons", bare, performed_by="bench")
        )
    stored = Counter(Person.objects.values_list("placed", flat=True))
    with translation.override("en"):
        notes = "; ".join(str(note) for note in bare_import.notes)
        step_messages = [str(problem) for problem in step_problems[:5]]

    people = len(written)
    print(
        f"place addresses, {people:,} people, {len(town.ground.neighbourhoods)} towns "
        f"({machine()}, shared with other work)"
    )
    print(f"  generate the town in memory  {built:6.1f} s")
    print(
        f"  reference: {block_rows:,} block points ({block_rows - added:,} the demo's 番 1–30, "
        f"{added:,} synthetic 番 31–{args.blocks_per_town}; a real city has ~"
        f"{REAL_CITY_BLOCKS:,}), {town_rows:,} town points"
    )
    print(f"    import block file          {rate(block_rows, block_seconds, 'rows')}")
    print(f"    import town file           {rate(town_rows, town_seconds, 'rows')}")
    print(
        f"  load_reference()             {load_seconds:6.2f} s   ({block_rows + town_rows:,} rows)"
    )
    print("  Reference.place over every address; normalise() alone in brackets:")
    lines = [*placings.items(), ("a third of each (the file)", placing_mixed)]
    for label, placing in lines:
        alone = normalising.get(label)
        bracket = f"[normalise {alone:5.2f} s]" if alone is not None else " " * 20
        print(
            f"    {pad(label, 26)} {rate(people, placing.seconds)} {bracket}  "
            f"block {placing.levels['block']:,}, town {placing.levels['town']:,}, "
            f"problems {len(placing.problems):,}, misplaced {len(placing.misplaced):,}"
        )
        show(placing.problems)
        show(placing.misplaced)
    print("    e.g. " + " / ".join(addresses[:3]))
    print(
        f"  placing step alone         {rate(people, step_seconds)}  (placing.place_homes on "
        "the file's parsed rows: hand-placed query, load_reference, place)"
    )
    print(
        "    "
        + ", ".join(f"{level} {count:,}" for level, count in sorted(step_levels.items()))
        + f", problems {len(step_problems):,}"
    )
    for message in step_messages:
        print(f"      line {message}")
    print(f"  import persons, no lat/lon {rate(people, bare_seconds)}")
    print(f"    created {bare_import.counts.created:,}; {notes}")
    print(f"    stored: {', '.join(f'{k} {v:,}' for k, v in sorted(stored.items()))}")
    print(
        f"  baseline: with lat/lon     {rate(people, given_seconds)}  "
        f"created {given_import.counts.created:,}"
    )
    print(f"  peak RSS {peak_rss_mb():,.0f} MB")


if __name__ == "__main__":
    main()
