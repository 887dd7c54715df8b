"""Hazard areas and neighbourhoods from GeoJSON or shapefiles.

Hazard levels come from `--level`, else a `level` property, else the national land data's
attributes: river flood depth rank (A31a_105 for the planned scale, A31a_205 for the largest
assumed; 1 = under 0.5 m … 6 = 20 m or more) and landslide zone class (A33_002: 1 = yellow
warning zone, 2 = red special warning zone).

Hazard areas have no key of their own: a file replaces the areas of its hazard kind that came
from the same source (`--source`, by default the file name), so that importing it again
changes nothing and an updated map replaces the old one.
"""

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from registry.importers.cells import Cell, CellError, Phone
from registry.importers.geofiles import Feature, read_features, spatial_format
from registry.importers.problems import InvalidRows, Problem, UnusableFile, lazy_text
from registry.importers.staging import Counts
from registry.importers.writing import Outcome, Parsed
from registry.models import HazardArea, Neighbourhood
from registry.models.choices import HazardKind
from registry.services import registry_assign_neighbourhoods

# Shapefile attribute names are cut at ten characters.
SHAPEFILE_NAMES = {"associatio": "association", "commission": "commissioner"}
# Optional properties of a neighbourhood: a file without one keeps what is recorded (the
# contacts are often kept in the admin rather than in the city's map), an empty one clears it.
# Names are cut to their field's length, as the name is; phones must read as phones.
NEIGHBOURHOOD_CONTACTS: tuple[tuple[str, Cell | None], ...] = (
    ("association", None),
    ("association_phone", Phone()),
    ("commissioner", None),
    ("commissioner_phone", Phone()),
)
FLOOD_RANK = re.compile(r"^A31a?_[12]05$", re.IGNORECASE)
LANDSLIDE_CLASS = "A33_002"
RIVER_NAME = re.compile(r"^A31a?_[12]02$", re.IGNORECASE)


@dataclass(frozen=True)
class Area:
    number: int
    values: dict[str, Any]
    geom: Any


def _text(attributes: dict[str, Any], name: str) -> str:
    value = attributes.get(name)
    return "" if value is None else str(value).strip()


def _level(kind: str, attributes: dict[str, Any]) -> tuple[str, str] | None:
    """(attribute, raw value) that gives the level, if the feature has one."""
    lowered = {name.lower(): name for name in attributes}
    if "level" in lowered and _text(attributes, lowered["level"]):
        return "level", _text(attributes, lowered["level"])
    for name in attributes:
        if kind == HazardKind.FLOOD and FLOOD_RANK.match(name) and _text(attributes, name):
            return name, _text(attributes, name)
        if kind == HazardKind.LANDSLIDE and name.upper() == LANDSLIDE_CLASS:
            return name, _text(attributes, name)
    return None


def read_hazards(path: Path, options: dict[str, Any]) -> Parsed[Area]:
    kind = options.get("hazard")
    if kind not in HazardKind.values:
        raise UnusableFile.because(
            lazy_text(_("--hazard must be one of %(kinds)s"), kinds=", ".join(HazardKind.values))
        )
    fixed_level = options.get("level")
    if fixed_level is not None and not 1 <= fixed_level <= 6:
        raise UnusableFile.because(_("--level must be from 1 to 6"))
    features, problems = read_features(path)
    areas = []
    for feature in features:
        level = fixed_level
        found = None if fixed_level is not None else _level(kind, feature.attributes)
        if found:
            name, raw = found
            try:
                level = int(float(raw))
            except ValueError:
                level = None
            if level is None or not 1 <= level <= (2 if name.upper() == LANDSLIDE_CLASS else 6):
                not_a_level = lazy_text(_("%(value)s is not a hazard level"), value=repr(raw))
                problems.append(Problem(feature.number, name, not_a_level))
        areas.append(
            Area(feature.number, {"level": level, "name": _area_name(feature)}, feature.geom)
        )
    if problems:
        raise InvalidRows(problems)
    return Parsed(spatial_format(path), areas)


def _area_name(feature: Feature) -> str:
    for name in feature.attributes:
        if name.lower() == "name" or RIVER_NAME.match(name):
            return _text(feature.attributes, name)[:100]
    return ""


def write_hazards(parsed: Parsed[Area], import_id: int, options: dict[str, Any]) -> Outcome:
    areas = parsed.rows
    kind, source = options["hazard"], options["source"]
    existing = HazardArea.objects.filter(kind=kind, source=source)
    current = {area.pk: (area.level, area.name, area.geom.hexewkb) for area in existing}
    wanted = Counter((a.values["level"], a.values["name"], a.geom.hexewkb) for a in areas)
    kept: Counter[tuple[Any, ...]] = Counter()
    stale = []
    for pk, signature in current.items():
        if kept[signature] < wanted[signature]:
            kept[signature] += 1
        else:
            stale.append(pk)
    HazardArea.objects.filter(pk__in=stale).delete()
    to_create = wanted - kept
    new = []
    for area in areas:
        signature = (area.values["level"], area.values["name"], area.geom.hexewkb)
        if to_create[signature] > 0:
            to_create[signature] -= 1
            new.append(
                HazardArea(
                    kind=kind,
                    level=area.values["level"],
                    name=area.values["name"],
                    source=source,
                    geom=area.geom,
                    last_import_id=import_id,
                )
            )
    HazardArea.objects.bulk_create(new, batch_size=500)
    counts = Counts(created=len(new), updated=0, unchanged=sum(kept.values()))
    return Outcome(counts, deleted=len(stale))


def read_neighbourhoods(path: Path, options: dict[str, Any]) -> Parsed[Area]:
    features, problems = read_features(path)
    areas: list[Area] = []
    first: dict[str, int] = {}
    for feature in features:
        attributes = {
            SHAPEFILE_NAMES.get(name.lower(), name.lower()): value
            for name, value in feature.attributes.items()
        }
        code, name = _text(attributes, "code"), _text(attributes, "name")
        for column, value in (("code", code), ("name", name)):
            if not value:
                problems.append(
                    Problem(feature.number, column, _("required, but empty or missing"))
                )
        if code in first:
            problems.append(
                Problem(
                    feature.number,
                    "code",
                    lazy_text(
                        _("%(value)s appears again (first on feature %(number)s)"),
                        value=repr(code),
                        number=first[code],
                    ),
                )
            )
        first.setdefault(code, feature.number)
        values = {"code": code[:32], "name": name[:100]}
        for key, cell in NEIGHBOURHOOD_CONTACTS:
            if key not in attributes:
                continue
            raw = _text(attributes, key)
            if cell is None or not raw:
                values[key] = raw[:100]
                continue
            try:
                values[key] = cell.parse(raw)
            except CellError as error:
                problems.append(Problem(feature.number, key, error.message))
        areas.append(Area(feature.number, values, feature.geom))
    if problems:
        raise InvalidRows(problems)
    return Parsed(spatial_format(path), areas)


def write_neighbourhoods(parsed: Parsed[Area], import_id: int, options: dict[str, Any]) -> Outcome:
    areas = parsed.rows
    existing = {n.code: n for n in Neighbourhood.objects.all()}
    created = updated = 0
    for area in areas:
        current = existing.get(area.values["code"])
        if current is None:
            Neighbourhood.objects.create(**area.values, geom=area.geom, last_import_id=import_id)
            created += 1
            continue
        # Only what the file carries is compared and written: an absent contact is kept.
        before = [getattr(current, key) for key in area.values] + [current.geom.hexewkb]
        if before != [*area.values.values(), area.geom.hexewkb]:
            for key, value in area.values.items():
                setattr(current, key, value)
            current.geom, current.last_import_id = area.geom, import_id
            current.save()
            updated += 1
    placed = registry_assign_neighbourhoods()
    notes: list[StrOrPromise] = []
    if any(placed):
        notes.append(
            lazy_text(
                _("%(people)s people and %(supporters)s supporters placed in a neighbourhood"),
                people=placed[0],
                supporters=placed[1],
            )
        )
    return Outcome(Counts(created, updated, len(areas) - created - updated), notes=notes)
