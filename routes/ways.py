"""What every reader of a street file hands to the noding: the ways people walk on, each a
line with its kind and flags, before they are cut into edges."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Way:
    line: int  # where problems point: the feature's number (GeoJSON) or the way's id (OSM)
    wkt: str
    highway: str
    name: str
    bridge: bool
    steps: bool
    # Above or below the street level (a bridge, a tunnel, an underground passage): such a
    # way meets the others only at its ends, never where it passes over or under them.
    separate: bool = False

    @property
    def off_street_level(self) -> bool:
        return self.bridge or self.separate


@dataclass(frozen=True)
class RoadsRead:
    ways: list[Way]
    dropped: int  # features of kinds people do not walk on
    # OpenStreetMap ways cut where the extract ends: only their parts inside it are kept.
    clipped: int = 0
