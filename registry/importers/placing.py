"""Homes placed from their addresses. persons.csv and supporters.csv may leave `lat` and `lon`
empty (or out) once the address reference is loaded (`import addresses`): each such row's
address is matched to its block (街区) point, else to its town's point, and the row says so in
`placed` [位置の由来]. Given coordinates always win; a home an officer placed by hand on the
map stays where it is while its address does not change. An address that matches nothing, or
several places equally, is a problem of its row, naming the closest published addresses."""

from collections import Counter

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from registry.addresses.matching import NotPlaced, Reference
from registry.addresses.normalise import normalise
from registry.addresses.selectors import load_reference
from registry.importers.cells import Key
from registry.importers.columns import Column, Row
from registry.importers.problems import Problem, UnusableFile, lazy_text
from registry.models import AddressPoint
from registry.models.choices import Placed

PLACED_COLUMN = Column("placed", "位置の由来", Key(Placed.values), default=None)


def reference_loaded() -> bool:
    return AddressPoint.objects.exists()


def place_homes(rows: list[Row], model: type[models.Model]) -> list[Problem]:
    """Fill each row's `lat`, `lon` and `placed`; the problems of the rows that cannot be."""
    problems: list[Problem] = []
    unplaced: list[Row] = []
    for row in rows:
        values = row.values
        has_lat, has_lon = values.get("lat") is not None, values.get("lon") is not None
        if has_lat and has_lon:
            # A file's own word on how its coordinates were found (an export's) is kept.
            values["placed"] = values.get("placed") or Placed.GIVEN.value
        elif has_lat or has_lon:
            missing = "lon" if has_lat else "lat"
            problems.append(Problem(row.line, missing, _("give both lat and lon, or neither")))
        else:
            unplaced.append(row)
    if unplaced:
        problems += _from_addresses(unplaced, model)
    return problems


def _from_addresses(rows: list[Row], model: type[models.Model]) -> list[Problem]:
    by_hand = {
        external_id: (address, point)
        for external_id, address, point in model._default_manager.filter(
            external_id__in=[row.values["id"] for row in rows], placed=Placed.HAND
        ).values_list("external_id", "address", "location")
    }
    reference: Reference | None = None
    problems = []
    for row in rows:
        values = row.values
        kept = by_hand.get(values["id"])
        # The same address written another way (３番 for 3番) is the same address.
        if kept is not None and normalise(kept[0]) == normalise(values["address"]):
            values["lon"], values["lat"], values["placed"] = kept[1].x, kept[1].y, Placed.HAND
            continue
        if reference is None:
            reference = load_reference()
        if not reference:
            problems.append(Problem(row.line, "lat", _NO_REFERENCE))
            continue
        found = reference.place(values["address"], settings.ADDRESS_CITY or None)
        if isinstance(found, NotPlaced):
            problems.append(Problem(row.line, "address", _not_placed(found, values["address"])))
            continue
        values["lon"], values["lat"], values["placed"] = found.lon, found.lat, found.level
    return problems


_NO_REFERENCE = _(
    "required, but empty: no address reference is loaded to place the home from its address "
    "(import addresses first)"
)


def _not_placed(found: NotPlaced, address: str) -> StrOrPromise:
    close = "、".join(found.candidates)
    if found.reason == "ambiguous":
        return lazy_text(
            _("%(address)s matches several places equally: %(places)s"),
            address=repr(address), places=close,
        )  # fmt: skip
    if close:
        return lazy_text(
            _("no place in the address reference matches %(address)s; the closest: %(places)s"),
            address=repr(address), places=close,
        )  # fmt: skip
    return lazy_text(
        _("no place in the address reference matches %(address)s (is its city loaded?)"),
        address=repr(address),
    )


def placed_note(rows: list[Row]) -> StrOrPromise | None:
    """How the file's homes were placed, for the import's summary; None when all were given."""
    counts = Counter(str(row.values.get("placed") or Placed.GIVEN) for row in rows)
    if set(counts) <= {Placed.GIVEN.value}:
        return None
    return lazy_text(
        _("homes placed: %(given)s given, %(block)s at their block, %(town)s at their town's "
          "point (approximate), %(hand)s kept where placed by hand"),
        given=counts[Placed.GIVEN], block=counts[Placed.BLOCK], town=counts[Placed.TOWN],
        hand=counts[Placed.HAND],
    )  # fmt: skip


def check_coordinate_columns(header_keys: set[str]) -> None:
    """Without an address reference, a file must bring coordinates: `lat` and `lon` are
    required columns then, as they always were."""
    missing = [key for key in ("lat", "lon") if key not in header_keys]
    if missing and not reference_loaded():
        raise UnusableFile(
            [
                Problem(1, key, lazy_text(_("required column missing (%(label)s)"), label=label))
                for key, label in (("lat", "緯度"), ("lon", "経度"))
                if key in missing
            ]
        )


def placeable(rows: list[Row], problems: list[Problem]) -> list[Row]:
    """The rows whose coordinates were read without a problem (the others fail anyway)."""
    broken = {p.line for p in problems if p.column in ("lat", "lon")}
    return [row for row in rows if row.line not in broken]
