"""Forms of the registry's own pages."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from registry.importers.shelters import FORMATS as SHELTER_FORMATS
from registry.models import ImportKind
from registry.models.choices import HazardKind

MAX_UPLOAD_BYTES = 200 * 1024 * 1024


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("what the file holds"), choices=ImportKind.choices)
    file = forms.FileField(
        label=_("file"),
        help_text=_("CSV (UTF-8 or Shift_JIS), XLSX, GeoJSON, or a zipped shapefile."),
    )
    shelter_format = forms.ChoiceField(
        label=_("shelter file format"),
        required=False,
        choices=[("", _("detect from the header")), *((f, f) for f in SHELTER_FORMATS)],
    )
    hazard = forms.ChoiceField(
        label=_("hazard"), required=False, choices=[("", "—"), *HazardKind.choices]
    )
    level = forms.IntegerField(
        label=_("level for every area"), required=False, min_value=1, max_value=6
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 200 MB."))
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == ImportKind.HAZARDS and not data.get("hazard"):
            self.add_error("hazard", _("Choose the hazard these areas are for."))
        return data

    def import_options(self) -> dict[str, Any]:
        data = self.cleaned_data
        options: dict[str, Any] = {}
        if data.get("shelter_format"):
            options["format"] = data["shelter_format"]
        if data.get("hazard"):
            options["hazard"] = data["hazard"]
        if data.get("level"):
            options["level"] = data["level"]
        return options
