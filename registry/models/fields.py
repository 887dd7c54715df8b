"""Field and constraint building blocks shared by the registry models."""

from collections.abc import Iterable
from typing import Any

from django import forms
from django.contrib.gis.db.models import PointField
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import FloatField, Func, Q
from django.db.models.functions import Cast
from django.db.models.lookups import Range

# Japan's extent with a margin: Okinotorishima (20.4 N) to Wakkanai (45.5 N), Yonaguni
# (122.9 E) to Minamitorishima (154.0 E). A point outside is a typo or swapped coordinates.
JAPAN_LAT = (20.0, 46.0)
JAPAN_LON = (122.0, 154.0)


class ChoiceArrayField(ArrayField):  # type: ignore[type-arg]
    """A list of keys from one set of choices, edited as checkboxes rather than a text box."""

    def formfield(self, **kwargs: Any) -> Any:
        defaults: dict[str, Any] = {
            "form_class": forms.TypedMultipleChoiceField,
            "choices": self.base_field.choices,
            "coerce": self.base_field.to_python,
            "widget": forms.CheckboxSelectMultiple,
        }
        defaults.update(kwargs)
        # ArrayField.formfield would force its comma-separated text field; skip past it.
        return super(ArrayField, self).formfield(**defaults)


def key_list(choices: type[models.TextChoices], **kwargs: Any) -> ChoiceArrayField:
    return ChoiceArrayField(
        models.CharField(max_length=32, choices=choices.choices), default=list, **kwargs
    )


def only_keys(field: str, keys: Iterable[str]) -> Q:
    """Every element of an array column is one of the given keys."""
    return Q(**{f"{field}__contained_by": sorted(keys)})


def inside_japan(field: str) -> Q:
    """A geography point whose coordinates lie inside Japan's extent."""
    point = Cast(field, PointField(srid=4326))
    lon = Func(point, function="ST_X", output_field=FloatField())
    lat = Func(point, function="ST_Y", output_field=FloatField())
    return Q(Range(lon, JAPAN_LON), Range(lat, JAPAN_LAT))


def as_geometry(expression: Any) -> Cast:
    """A geography point cast to geometry, so that it can be tested against polygons using the
    polygons' GiST index (PostGIS has no geography × geometry intersection)."""
    return Cast(expression, PointField(srid=4326))
