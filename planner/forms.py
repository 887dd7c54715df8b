"""Forms of the pages."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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
