"""The words on a report's button, as a supporter would say them (連絡した, 無事・在宅 …): the
phone page and the paper drill sheet say the same."""

from django.utils.translation import pgettext

from drills.models import CheckState


def button_label(state: str) -> str:
    labels = {
        CheckState.CONTACTED: pgettext("drill button", "Contacted"),
        CheckState.SAFE_AT_HOME: pgettext("drill button", "Safe at home"),
        CheckState.EVACUATING: pgettext("drill button", "Started evacuating"),
        CheckState.ARRIVED: pgettext("drill button", "Arrived at the shelter"),
        CheckState.NEEDS_HELP: pgettext("drill button", "Needs help"),
        CheckState.UNREACHABLE: pgettext("drill button", "Not at home / no answer"),
    }
    return labels[CheckState(state)]
