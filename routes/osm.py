"""`import roads` from an OpenStreetMap extract (`.osm.pbf` or `.osm` XML), read by pyosmium:
the ways tagged `highway` that people walk on, as lines through their nodes' locations.

Problems point at the way's OSM id (a PBF file has no lines; the id finds the way on
openstreetmap.org and in any editor). An extract cut out of a larger map leaves ways that run
past its edge with nodes it does not hold: only their parts inside the extract are kept, which
is what the extract means. A way none of whose nodes is in the file is a problem, since
nothing then says where it lies (a file of ways written without their nodes)."""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import osmium
from django.utils.translation import gettext_lazy as _
from osmium.filter import EntityFilter, KeyFilter

from registry.importers.problems import InvalidRows, Problem, UnusableFile, lazy_text
from routes.models import walkable
from routes.ways import RoadsRead, Way

# `bridge=*` names the kind of bridge (yes, viaduct, boardwalk, movable …); these say there is none.
NOT_A_BRIDGE = {"", "no", "none", "false", "0"}
# Node ids quoted in a problem, so that a long way does not flood the message.
NODES_QUOTED = 3


@dataclass(frozen=True)
class Highway:
    """A way tagged `highway`, copied out of osmium's buffer (valid only while it is read)."""

    id: int
    tags: dict[str, str]
    refs: list[int]
    points: list[tuple[float, float] | None]  # (lon, lat); None where the node is not in the file


def read_osm(path: Path) -> RoadsRead:
    """The ways people walk on in an OpenStreetMap file, checked way by way."""
    problems: list[Problem] = []
    ways: list[Way] = []
    dropped = clipped = 0
    for highway in _highways(path):
        kind = highway.tags["highway"].strip()
        # A pedestrian square drawn as a closed way is an area, not a line to walk along.
        if not walkable(kind) or highway.tags.get("area") == "yes":
            dropped += 1
            continue
        if len(highway.refs) < 2:
            problems.append(Problem(highway.id, "geometry", lazy_text(
                _("way %(id)s has fewer than two nodes"), id=highway.id)))  # fmt: skip
            continue
        if all(point is None for point in highway.points):
            quoted = ", ".join(str(ref) for ref in highway.refs[:NODES_QUOTED])
            quoted += ", …" if len(highway.refs) > NODES_QUOTED else ""
            problems.append(Problem(highway.id, "geometry", lazy_text(
                _("none of the nodes of way %(id)s is in the file (nodes %(nodes)s)"),
                id=highway.id, nodes=quoted)))  # fmt: skip
            continue
        if None in highway.points:
            clipped += 1
        for run in _located_runs(highway.points):
            wkt = "LINESTRING(" + ",".join(f"{lon} {lat}" for lon, lat in run) + ")"
            ways.append(Way(highway.id, wkt, kind, _name(highway.tags), _bridge(highway.tags),
                            steps=kind == "steps", separate=_separate(highway.tags)))  # fmt: skip
    if problems:
        raise InvalidRows(problems)
    return RoadsRead(ways, dropped, clipped)


def _highways(path: Path) -> Iterator[Highway]:
    processor = (
        osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY)
        .with_locations()  # nodes come before ways in an OSM file: their places are kept
        .with_filter(EntityFilter(osmium.osm.WAY))
        .with_filter(KeyFilter("highway"))
    )
    try:
        for way in processor:
            if not isinstance(way, osmium.osm.Way):  # never, after the filter; says so to mypy
                continue
            yield Highway(
                id=way.id,
                tags={tag.k: tag.v for tag in way.tags},
                refs=[node.ref for node in way.nodes],
                points=[
                    (node.lon, node.lat) if node.location.valid() else None for node in way.nodes
                ],
            )
    except RuntimeError as error:  # libosmium's word for a file it cannot parse
        raise UnusableFile.because(
            lazy_text(_("not an OpenStreetMap file: %(error)s"), error=error)
        ) from None


def _located_runs(points: list[tuple[float, float] | None]) -> Iterator[list[tuple[float, float]]]:
    """The stretches of two or more consecutive nodes the file holds."""
    run: list[tuple[float, float]] = []
    for point in [*points, None]:
        if point is not None:
            run.append(point)
            continue
        if len(run) >= 2:
            yield run
        run = []


def _name(tags: dict[str, str]) -> str:
    # `name` is what the street signs say (in Japan, Japanese already), so it comes first;
    # `name:ja` fills in where only a translation is mapped.
    return (tags.get("name") or tags.get("name:ja") or "").strip()[:200]


def _bridge(tags: dict[str, str]) -> bool:
    return tags.get("bridge", "").strip().lower() not in NOT_A_BRIDGE


def _separate(tags: dict[str, str]) -> bool:
    """A tunnel, or a way mapped on another layer than the street's (an underground passage,
    a concourse): in OpenStreetMap such a way joins others only at a shared node."""
    tunnel = tags.get("tunnel", "").strip().lower() not in NOT_A_BRIDGE
    layer = tags.get("layer", "").strip()
    return tunnel or layer not in ("", "0")
