"""The national address reference: MLIT's 位置参照情報, one point per 街区 (block) or per
大字・町丁目 (town), as published. People and supporters who arrive with an address and no
coordinates are placed from these points.

The published text is kept as it is (`town`, `koaza`, `block`); `town_key` and `block_key` are
its normalised forms (registry.addresses.normalise), written once at import so that matching
compares keys without normalising a million rows each time."""

from django.contrib.gis.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from registry.models.fields import inside_japan
from registry.models.imports import ImportRecord


class AddressLevel(models.TextChoices):
    BLOCK = "block", _("block (街区)")
    TOWN = "town", _("town (大字・町丁目)")


class AddressPoint(models.Model):
    level = models.CharField(_("level"), max_length=8, choices=AddressLevel.choices)
    prefecture = models.CharField(_("prefecture (都道府県名)"), max_length=16)
    city = models.CharField(_("city (市区町村名)"), max_length=64)
    town = models.CharField(_("town (大字・丁目名)"), max_length=120)
    koaza = models.CharField(_("koaza (小字・通称名)"), max_length=120, blank=True)
    block = models.CharField(_("block or lot (街区符号・地番)"), max_length=64, blank=True)
    town_key = models.CharField(_("town, normalised"), max_length=200)
    block_key = models.CharField(_("block, normalised"), max_length=64, blank=True)
    residential = models.BooleanField(
        _("residence indication (住居表示)"),
        default=False,
        help_text=_("The block is a 街区 of a 住居表示 area, not a 地番 (lot number)."),
    )
    representative = models.BooleanField(_("representative point (代表)"), default=False)
    town_code = models.CharField(_("town code (大字町丁目コード)"), max_length=16, blank=True)
    # Geometry rather than geography: points are looked up by address, not by distance, and
    # geometry is what the neighbourhood polygons are tested against.
    location = models.PointField(_("location"), srid=4326)
    record = models.ForeignKey(
        ImportRecord, verbose_name=_("import"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("address point")
        verbose_name_plural = _("address points")
        indexes = [
            # Serves matching an address: its city, then its town and block keys.
            models.Index(fields=["city", "town_key", "block_key"], name="addresspoint_match"),
            # Serves replacing a city's points of one level when its file is imported again.
            models.Index(fields=["city", "level"], name="addresspoint_city_level"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__in=AddressLevel.values), name="addresspoint_level_valid"
            ),
            models.CheckConstraint(
                condition=~Q(prefecture="") & ~Q(city="") & ~Q(town=""),
                name="addresspoint_names_not_empty",
            ),
            # A town point stands for the whole 大字・町丁目: it has no 小字, block or flag.
            models.CheckConstraint(
                condition=~Q(level=AddressLevel.TOWN) | Q(koaza="", block="", residential=False),
                name="addresspoint_town_has_no_block",
            ),
            # A block point always names its block; the town code belongs to town points.
            models.CheckConstraint(
                condition=~Q(level=AddressLevel.BLOCK) | (~Q(block="") & Q(town_code="")),
                name="addresspoint_block_has_block",
            ),
            models.CheckConstraint(
                condition=inside_japan("location"), name="addresspoint_in_japan"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.prefecture}{self.city}{self.town}{self.koaza}{self.block}"
