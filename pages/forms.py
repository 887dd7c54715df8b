"""Forms of the pages."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _
from leaflet.forms.widgets import LeafletWidget

from registry.models import Neighbourhood, Supporter
from registry.models.choices import HazardKind, TimeSlot


class DecisionForm(forms.Form):
    kind = forms.ChoiceField(choices=[("supporter", "supporter"), ("shelter", "shelter")])
    assignment = forms.IntegerField(min_value=1)
    decision = forms.ChoiceField(choices=[("confirm", _("Confirm")), ("reject", _("Reject"))])


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
            "external_id", "name", "kana", "address", "phone", "location", "role", "capacity",
            "available", "can_push_wheelchair", "can_carry", "has_car", "birth_year",
        ]  # fmt: skip
        widgets = {"location": LeafletWidget()}
        help_texts = {"location": gettext_lazy("Drag the marker to the supporter's home.")}
