"""A supporter's personal link to a drill: a token signed with the site's secret, naming the
drill and the supporter by their database numbers only. It opens nothing but that supporter's
own people in that drill, and only while the drill is open; the signature makes it
unguessable, and a later secret or a closed drill ends it."""

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from drills.models import Drill, DrillSupporter
from registry.models import Supporter

SALT = "sasaeai.drills.link"


class LinkRefused(LookupError):
    """The token is forged, or its drill is over (`over`), or the supporter has no one in it."""

    def __init__(self, message: str, *, over: bool = False) -> None:
        super().__init__(message)
        self.over = over


def link_token(drill: Drill, supporter: Supporter) -> str:
    """The same token every time for the same drill and supporter (a rerun gives the same
    links)."""
    # A plain signer: `signing.dumps` would stamp the second of signing into the token.
    return signing.Signer(salt=SALT).sign_object([drill.pk, supporter.pk])


def link_url(drill: Drill, supporter: Supporter) -> str:
    """The absolute link, from the setting SASAEAI_BASE_URL."""
    path = reverse("drill_supporter", kwargs={"token": link_token(drill, supporter)})
    return settings.BASE_URL.rstrip("/") + path


def open_link(token: str) -> DrillSupporter:
    """The drill supporter a token names, with its first opening recorded; refused when the
    token is forged, the drill is not open, or the supporter has no one to check on in it."""
    try:
        drill_pk, supporter_pk = signing.Signer(salt=SALT).unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError):
        raise LinkRefused("not a link of this site") from None
    found = (
        DrillSupporter.objects.select_related("drill", "supporter")
        .filter(drill_id=drill_pk, supporter_id=supporter_pk)
        .first()
    )
    if found is None:
        raise LinkRefused("no one to check on in this drill")
    if not found.drill.is_open():
        raise LinkRefused("the drill is over", over=True)
    if found.opened_at is None:
        # Only the first opening counts, whichever of two requests gets there first.
        DrillSupporter.objects.filter(pk=found.pk, opened_at__isnull=True).update(
            opened_at=timezone.now()
        )
        found.refresh_from_db(fields=["opened_at"])
    return found
