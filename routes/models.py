"""The street network people walk on: one row per edge between two junctions, noded so that
crossing ways connect (a bridge only at its ends), with the vertex numbers pgRouting walks."""

from django.contrib.gis.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# The OpenStreetMap `highway` kinds people walk on; links (`primary_link` …) count as their road.
WALKABLE = (
    "footway", "path", "pedestrian", "steps", "living_street", "residential", "service",
    "unclassified", "tertiary", "secondary", "primary", "track",
)  # fmt: skip


def walkable(highway: str) -> bool:
    return highway.removesuffix("_link") in WALKABLE


class RoadEdge(models.Model):
    geom = models.LineStringField(_("way"), srid=4326)
    length_m = models.FloatField(_("length (m)"))
    highway = models.CharField(_("kind of way"), max_length=32)
    name = models.CharField(_("name"), max_length=200, blank=True)
    bridge = models.BooleanField(_("bridge"), default=False)
    steps = models.BooleanField(_("steps"), default=False)
    # pgRouting's vertex numbers: edges that share a junction share its number.
    source = models.BigIntegerField(_("from junction"))
    target = models.BigIntegerField(_("to junction"))

    class Meta:
        verbose_name = _("street edge")
        verbose_name_plural = _("street edges")
        indexes = [
            models.Index(fields=["source"], name="roadedge_source"),
            models.Index(fields=["target"], name="roadedge_target"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(length_m__gte=0), name="roadedge_length_valid"),
            models.CheckConstraint(condition=~Q(highway=""), name="roadedge_highway_not_empty"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.highway} {self.name}".strip()

    @property
    def wheelchair(self) -> bool:
        """Whether a wheelchair (or a stretcher) can use the edge: steps cannot."""
        return not self.steps
