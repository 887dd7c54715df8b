"""Paper from the pages: a neighbourhood's bundle and family cards, a person's plan and family
card, as PDFs of each person's current issued plan (the draft, marked 案, for people without
one, or for everyone with `?draft=1`). Each is the copy for the user's role (an officer may ask
for another copy) and holds only the rows and fields that copy may show; the audit entry of
each print is marked with an emergency by `audit_record` when one is needed."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation

from pages.downloads import file_download
from pages.lookups import area_for, person_for
from printouts.bundle import COPY_FOR, render_bundle
from printouts.card import card_language, render_family_card, render_family_cards
from printouts.plan_pdf import render_plan
from printouts.services import neighbourhood_sheets, paper_language
from printouts.sheets import NotInCopy, plan_sheet
from registry.access import Copy, copy_for_reader
from registry.audit import audit_record
from registry.models import AuditAction, Person


def _lang(request: HttpRequest, *, easy: bool = False) -> str:
    """The paper's language; family cards also exist in easy Japanese (`easy`)."""
    lang = request.GET.get("lang") or translation.get_language() or "ja"
    if lang not in ("ja", "en", "easy") or (lang == "easy" and not easy):
        raise Http404
    return lang


def _by_needs(request: HttpRequest, lang: str) -> bool:
    """Whether each card's language follows its person's needs: a Japanese card asked for
    without naming the language."""
    return lang == "ja" and "lang" not in request.GET


def _draft(request: HttpRequest) -> bool:
    return request.GET.get("draft") == "1"


def _copy(request: HttpRequest, allowed: tuple[str, ...]) -> Copy:
    """The copy for the user: an officer's own, or the one asked for; an association or a
    commissioner gets its own copy, and asking for another one is refused."""
    requested = request.GET.get("copy_for") or None
    if requested is not None and requested not in allowed:
        raise Http404
    copy = copy_for_reader(request.user, requested)
    if requested is not None and requested != copy:
        raise PermissionDenied
    return copy


def _neighbourhood_pdf(request: HttpRequest, code: str, document: str) -> HttpResponse:
    """A neighbourhood's bundle or its family cards, in the copy for the user, of the scenario
    the page is about: both gather the same people and sheets."""
    area = area_for(request, code)
    copy = _copy(request, tuple(COPY_FOR))
    lang = _lang(request, easy=document == "cards")
    draft = _draft(request)
    people, sheets = neighbourhood_sheets(
        area, copy_for=copy, lang=lang, user=request.user, draft=draft
    )
    suffix = "-draft" if draft else ""
    if document == "bundle":
        data = render_bundle(
            neighbourhood=area.name, association=area.association, sheets=sheets, copy_for=copy,
            lang=lang,
        )  # fmt: skip
        filename = f"bundle-{area.code}-{copy}{suffix}.pdf"
    else:
        # Without a language asked for, a Japanese card is in easy Japanese for those whose
        # needs call for it.
        data = render_family_cards(sheets, lang, by_needs=_by_needs(request, lang))
        # Cards chosen by each person's needs are of mixed language: no language named.
        language = "" if _by_needs(request, lang) else f"-{lang}"
        filename = f"cards-{area.code}{language}{suffix}.pdf"
    audit_record(
        action=AuditAction.PRINT, model=Person, object_ids=[p.pk for p in people],
        user=request.user,
        detail={"neighbourhood": area.code, "document": document, "copy_for": copy,
                "lang": lang},
    )  # fmt: skip
    return file_download(data, filename)


@login_required
def neighbourhood_bundle(request: HttpRequest, code: str) -> HttpResponse:
    return _neighbourhood_pdf(request, code, "bundle")


@login_required
def neighbourhood_cards(request: HttpRequest, code: str) -> HttpResponse:
    """Family cards of the neighbourhood's people the user may see, one a page."""
    return _neighbourhood_pdf(request, code, "cards")


def _person_pdf(request: HttpRequest, pk: int, what: str) -> HttpResponse:
    person = person_for(request, pk)
    copy = _copy(request, tuple(Copy))
    lang = _lang(request, easy=what == "card")
    draft = _draft(request)
    try:
        with translation.override(paper_language(lang)):
            sheet = plan_sheet(person, user=request.user, copy_for=copy, draft=draft)
    except NotInCopy:
        # An officer asked for a copy whose reader may not see this person.
        raise Http404 from None
    if what == "card":
        lang = card_language(sheet, lang) if _by_needs(request, lang) else lang
        data = render_family_card(sheet, lang)
    else:
        data = render_plan(sheet, lang, copy_for=copy)
    audit_record(
        action=AuditAction.PRINT, model=Person, object_ids=[person.pk], user=request.user,
        detail={"document": what, "lang": lang, "copy_for": copy},
    )  # fmt: skip
    # The file is named by the opaque record number and the version, never the person's name.
    version = f"v{sheet.version}" if sheet.version else "draft"
    # A card names its language: a family may keep the Japanese, easy and English ones.
    language = f"-{lang}" if what == "card" else ""
    return file_download(data, f"{what}-{person.pk}-{version}{language}.pdf")


@login_required
def person_plan_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _person_pdf(request, pk, "plan")


@login_required
def person_card_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _person_pdf(request, pk, "card")
