"""Forms of the pages."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _
from leaflet.forms.widgets import LeafletWidget

from planner.agreements import STEPS
from planner.models import AskedHow
from registry.models import Neighbourhood, Supporter
from registry.models.choices import HazardKind, TimeSlot


class DecisionForm(forms.Form):
    # Supporters are asked and answer through PairStepForm; a shelter is confirmed here.
    kind = forms.ChoiceField(choices=[("shelter", "shelter")])
    assignment = forms.IntegerField(min_value=1)
    decision = forms.ChoiceField(choices=[("confirm", _("Confirm")), ("reject", _("Reject"))])


class StepForm(forms.Form):
    """One step of asking someone to agree (planner.agreements): how they were asked matters
    only to `ask` and to an answer recorded without an asking before it."""

    step = forms.ChoiceField(choices=[(step, step) for step in STEPS])
    how = forms.ChoiceField(choices=AskedHow.choices, required=False)

    def clean_how(self) -> str:
        return self.cleaned_data.get("how") or AskedHow.IN_PERSON


class PairStepForm(StepForm):
    supporter = forms.IntegerField(min_value=1)


class FamilyStepForm(StepForm):
    # The version the page showed: a step is never recorded on a newer one unseen.
    version = forms.IntegerField(min_value=1)


class ReviewForm(forms.Form):
    reviewed_on = forms.DateField(
        label=_("Reviewed with the family on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    changes_requested = forms.CharField(
        label=_("Changes asked for"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean_reviewed_on(self) -> Any:
        day = self.cleaned_data["reviewed_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The review cannot be in the future."))
        return day


class RunForm(forms.Form):
    hazard = forms.ChoiceField(label=gettext_lazy("Hazard"), choices=HazardKind.choices)
    slot = forms.ChoiceField(label=gettext_lazy("Time slot"), choices=TimeSlot.choices)
    neighbourhood = forms.ModelChoiceField(
        label=gettext_lazy("Neighbourhood"),
        queryset=Neighbourhood.objects.order_by("code"),
        required=False,
        empty_label=gettext_lazy("The whole city"),
        to_field_name="code",
    )


class SupporterForm(forms.ModelForm[Supporter]):
    class Meta:
        model = Supporter
        fields = [
            "external_id", "name", "kana", "address", "phone", "email", "location", "role",
            "capacity", "available", "can_push_wheelchair", "can_carry", "has_car",
            "birth_year",
        ]  # fmt: skip
        widgets = {"location": LeafletWidget()}
        help_texts = {"location": gettext_lazy("Drag the marker to the supporter's home.")}

    def __init__(
        self, *args: Any, area: Neighbourhood, refuse_outside: bool, **kwargs: Any
    ) -> None:
        """`area`: the neighbourhood whose list the supporter joins; `refuse_outside`: a home
        outside it is an error (associations), else only `outside` is set (officers, who may
        know of a supporter across the boundary and are warned)."""
        super().__init__(*args, **kwargs)
        self.area = area
        self.refuse_outside = refuse_outside
        self.outside = False
        if area.geom is not None:
            # The map opens on the neighbourhood, where the home should be placed.
            centre = area.geom.point_on_surface
            self.fields["location"].widget.attrs["settings_overrides"] = {
                "DEFAULT_CENTER": (centre.y, centre.x),
                "DEFAULT_ZOOM": 16,
            }

    def clean_location(self) -> Any:
        location = self.cleaned_data.get("location")
        if location is None or self.area.geom is None:
            return location
        point = location
        if point.srid and self.area.geom.srid and point.srid != self.area.geom.srid:
            point = point.transform(self.area.geom.srid, clone=True)
        if not self.area.geom.contains(point):
            if self.refuse_outside:
                raise forms.ValidationError(
                    _("The home is outside %(neighbourhood)s. Place it inside the "
                      "neighbourhood, or ask the city office to add the supporter."),
                    code="outside",
                    params={"neighbourhood": f"{self.area.code} {self.area.name}"},
                )  # fmt: skip
            self.outside = True
        return location
