"""Spatial files (GeoJSON, shapefiles, or a shapefile zipped) read through GDAL into WGS84
MultiPolygons with their attributes. A feature's number (1 = the first) stands where a line
number stands in tabular files."""

import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.gis.gdal import DataSource, GDALException, OGRGeometry
from django.contrib.gis.gdal.libgdal import lgdal
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Polygon
from django.utils.translation import gettext_lazy as _

from registry.importers.problems import Problem, UnusableFile, lazy_text
from registry.models.fields import JAPAN_LAT, JAPAN_LON

# Shapefiles from the national land data come in CP932 or UTF-8, often without a .cpg file
# saying which. GDAL would guess Latin-1 and garble them; with recoding off, the bytes come
# through as they are and are decoded here, trying UTF-8 first.
lgdal.CPLSetConfigOption(b"SHAPE_ENCODING", b"")
ENCODINGS = ("utf-8", "cp932")


@dataclass(frozen=True)
class Feature:
    number: int
    attributes: dict[str, Any]
    geom: MultiPolygon | None  # None when the geometry was refused (see the problems)


def read_features(path: Path) -> tuple[list[Feature], list[Problem]]:
    source = _gdal_path(path)
    last_error: UnicodeDecodeError | None = None
    for encoding in _encodings(path):
        try:
            return _read(source, encoding)
        except UnicodeDecodeError as error:
            last_error = error
    raise UnusableFile.because(
        lazy_text(_("attribute text is neither UTF-8 nor CP932: %(error)s"), error=str(last_error))
    )


def _gdal_path(path: Path) -> str:
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            shapes = [name for name in archive.namelist() if name.lower().endswith(".shp")]
        if len(shapes) != 1:
            raise UnusableFile.because(_("a zip file must hold exactly one shapefile (.shp)"))
        return f"/vsizip/{path}/{shapes[0]}"
    return str(path)


def _encodings(path: Path) -> tuple[str, ...]:
    cpg = path.with_suffix(".cpg")
    if cpg.exists():
        declared = cpg.read_text(errors="replace").strip().lower()
        if declared in ("932", "cp932", "shift_jis", "sjis"):
            return ("cp932",)
        if declared in ("utf-8", "utf8", "65001"):
            return ("utf-8",)
    return ENCODINGS


def _read(source: str, encoding: str) -> tuple[list[Feature], list[Problem]]:
    try:
        datasource = DataSource(source, encoding=encoding)
    except GDALException:
        raise UnusableFile.because(
            _("not readable as GeoJSON or a shapefile (a .shp needs its .shx and .dbf beside it)")
        ) from None
    if datasource.layer_count < 1:
        raise UnusableFile.because(_("the file holds no layer"))
    layer = datasource[0]
    features, problems = [], []
    for number, feature in enumerate(layer, start=1):
        attributes = {name: feature.get(name) for name in feature.fields}
        try:
            ogr: OGRGeometry | None = feature.geom
        except GDALException:
            ogr = None
        geom, problem = _multipolygon(ogr, number)
        if problem:
            problems.append(problem)
        features.append(Feature(number, attributes, geom))
    if not features:
        raise UnusableFile.because(_("the file holds no features"))
    return features, problems


def _multipolygon(
    ogr: OGRGeometry | None, number: int
) -> tuple[MultiPolygon | None, Problem | None]:
    if ogr is None:
        return None, Problem(number, "geometry", _("the feature has no geometry"))
    try:
        if ogr.srs is not None:
            ogr.transform(4326)
        geom = GEOSGeometry(ogr.wkb, srid=4326)
    except (GDALException, ValueError) as error:
        unreadable = lazy_text(_("unreadable geometry: %(error)s"), error=str(error))
        return None, Problem(number, "geometry", unreadable)
    if isinstance(geom, Polygon):
        geom = MultiPolygon(geom, srid=4326)
    if not isinstance(geom, MultiPolygon):
        other = lazy_text(_("a %(type)s; expected Polygon or MultiPolygon"), type=geom.geom_type)
        return None, Problem(number, "geometry", other)
    if not geom.valid:
        invalid = lazy_text(_("invalid polygon: %(reason)s"), reason=geom.valid_reason)
        return None, Problem(number, "geometry", invalid)
    xmin, ymin, xmax, ymax = geom.extent
    if not (
        JAPAN_LON[0] <= xmin
        and xmax <= JAPAN_LON[1]
        and JAPAN_LAT[0] <= ymin
        and ymax <= JAPAN_LAT[1]
    ):
        return None, Problem(
            number,
            "geometry",
            _("lies outside Japan (is the file in another projection without a .prj?)"),
        )
    return geom, None


def spatial_format(path: Path) -> str:
    return "shapefile" if path.suffix.lower() in (".shp", ".zip") else "geojson"
