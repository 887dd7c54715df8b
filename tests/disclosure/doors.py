"""Every door of the site: each URL pattern the URL configuration holds, filled with the fixture
town's objects, with the query strings its views read. A pattern the probe cannot fill, or a
query parameter it has no values for, stops the probe: a new URL is covered before it ships."""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver

from drills.models import Drill, DrillKind
from drills.services import drill_start
from planner.models import PlanRun
from printouts.models import PrintJob
from printouts.tasks import print_job_create
from registry.access import copy_for_reader, neighbourhoods_visible_to
from registry.models import AuditEntry, Person, Supporter
from tests.disclosure.town import Town


@dataclass(frozen=True)
class Pattern:
    route: str  # the full route, the pattern's identity in the coverage check
    name: str  # namespaced name, or "" for unnamed patterns
    entry: URLPattern

    @property
    def model_admin(self) -> Any:
        return getattr(self.entry.callback, "model_admin", None)

    @property
    def parameters(self) -> list[str]:
        return list(self.entry.pattern.regex.groupindex)

    @property
    def is_admin(self) -> bool:
        return self.route.startswith("admin/")


@dataclass(frozen=True)
class Door:
    route: str
    url: str
    method: str = "GET"
    data: dict[str, Any] = field(default_factory=dict)
    subject: models.Model | None = None  # the person, supporter or area the URL is about

    @property
    def label(self) -> str:
        return f"{self.method} {self.url}"


def patterns() -> list[Pattern]:
    """Every URL pattern of the project, named or not, with its full route."""
    found: list[Pattern] = []

    def walk(entries: list[Any], prefix: str, namespace: str) -> None:
        for entry in entries:
            if isinstance(entry, URLResolver):
                inner = ":".join(n for n in (namespace, entry.namespace or "") if n)
                walk(entry.url_patterns, prefix + str(entry.pattern), inner)
            else:
                name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
                found.append(Pattern(prefix + str(entry.pattern), name or "", entry))

    walk(get_resolver().url_patterns, "", "")
    return found


_PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")


def _fill(route: str, **values: object) -> str:
    return "/" + _PARAMETER.sub(lambda m: str(values[m.group(1)]), route)


# --- query strings ----------------------------------------------------------------------------

# Values for each query parameter a page reads. A page reading a parameter missing here fails
# test_it_knows_every_query_parameter_the_pages_read.
QUERY_VALUES: dict[str, list[str]] = {
    "hazard": ["flood", "landslide"],
    "slot": ["weekday_night", "weekend_day"],
    "copy_for": ["association", "officer", "commissioner"],
    "lang": ["en", "easy"],
    "draft": ["1"],
}

# Which pages take which query strings (besides none).
PAGE_QUERIES: dict[str, list[str]] = {
    "dashboard": ["hazard=flood&slot=weekday_night", "hazard=landslide"],
    "neighbourhood": ["hazard=flood&slot=weekday_night", "hazard=landslide", "slot=weekend_day"],
    "neighbourhood_map": ["hazard=flood&slot=weekday_night", "hazard=landslide"],
    "neighbourhood_bundle": ["copy_for=officer", "copy_for=commissioner", "lang=en"],
    "neighbourhood_cards": ["lang=en", "lang=easy&draft=1"],
    "person": ["hazard=flood&slot=weekday_night", "hazard=landslide"],
    # The PDFs no longer follow the page's scenario: they print the issued plan, or the draft.
    "person_plan_pdf": ["lang=en", "copy_for=officer", "draft=1"],
    "person_card_pdf": ["lang=en", "lang=easy", "draft=1"],
    "supporter_edit": ["hazard=flood&slot=weekday_night"],
    "supporter_retire": ["hazard=flood&slot=weekday_night"],
}

_GET_READ = re.compile(r"""GET(?:\.get|\.getlist)?\(\s*["'](\w+)["']|GET\[\s*["'](\w+)["']""")


def query_parameters_read() -> dict[str, set[str]]:
    """Query parameters read anywhere in the apps that serve pages (not the admin): name → files."""
    read: dict[str, set[str]] = {}
    for app in ("pages", "planner", "printouts", "registry"):
        root = Path(settings.BASE_DIR) / app
        for source in root.rglob("*.py"):
            if "migrations" in source.parts or source.name.startswith("admin"):
                continue
            for match in _GET_READ.finditer(source.read_text(encoding="utf-8")):
                name = match.group(1) or match.group(2)
                read.setdefault(name, set()).add(str(source.relative_to(settings.BASE_DIR)))
    return read


# --- admin objects ----------------------------------------------------------------------------


def _admin_objects(model: type[models.Model], town: Town) -> list[models.Model]:
    """The objects whose admin pages are fetched: every person and supporter (in and out of
    scope), the audit entries holding changes, and a few of everything else."""
    if model is Person:
        return list(town.people.values())
    if model is Supporter:
        return list(town.supporters.values())
    if model is AuditEntry:
        changes = list(AuditEntry.objects.filter(action__in=["change", "create"]).order_by("pk"))
        latest = list(AuditEntry.objects.order_by("-pk")[:2])
        marked = list(AuditEntry.objects.filter(emergency__isnull=False).order_by("-pk")[:1])
        return list({entry.pk: entry for entry in changes + latest + marked}.values())
    return list(model._default_manager.order_by("pk")[:2])


_ADMIN_QUERIES: dict[str, list[str]] = {
    "admin:registry_person_changelist": [
        "q=内海", "consent__exact=refused", "consent__exact=no_reply", "in_hazard=flood",
        "neighbourhood__id__exact={N2}", "status__exact=active",
    ],
    "admin:registry_supporter_changelist": [
        "q=支援", "slot=weekday_night", "active__exact=0", "neighbourhood__id__exact={N2}",
    ],
    "admin:registry_auditentry_changelist": [
        "q=registry.person", "action__exact=change", "emergency__isnull=False",
    ],
    "admin:autocomplete": [
        "app_label=registry&model_name=supporter&field_name=person&term=",
        "app_label=registry&model_name=supporter&field_name=neighbourhood&term=",
        "app_label=registry&model_name=person&field_name=neighbourhood&term=",
        "app_label=registry&model_name=supporter&field_name=person&term=内",
    ],
}  # fmt: skip


class UnknownDoor(AssertionError):
    """A URL pattern the probe does not know how to fill."""


def _admin_doors(pattern: Pattern, town: Town) -> Iterator[Door]:
    names = pattern.parameters
    model_admin = pattern.model_admin
    areas = {code: area.pk for code, area in town.areas.items()}
    if not names:
        url = _fill(pattern.route)
        yield Door(pattern.route, url)
        for query in _ADMIN_QUERIES.get(pattern.name, []):
            yield Door(pattern.route, f"{url}?{query.format(**areas)}")
    elif names == ["object_id"] and model_admin is not None:
        objects = _admin_objects(model_admin.model, town)
        if pattern.name == "":  # the old address of a change page: a redirect, one is enough
            objects = objects[:1]
        for obj in objects:
            yield Door(pattern.route, _fill(pattern.route, object_id=obj.pk), subject=obj)
    elif names == ["app_label"]:
        for label in sorted({model._meta.app_label for model in admin.site._registry}):
            yield Door(pattern.route, f"/admin/{label}/")
    elif names == ["id"]:
        for role in ("officer", "association"):
            yield Door(pattern.route, _fill(pattern.route, id=town.users[role].pk))
    elif names == ["content_type_id", "object_id"]:
        for obj in [*town.people.values(), *town.supporters.values()]:
            kind = ContentType.objects.get_for_model(obj).pk
            url = _fill(pattern.route, content_type_id=kind, object_id=obj.pk)
            yield Door(pattern.route, url, subject=obj)
    elif names == ["url"]:
        yield Door(pattern.route, "/admin/no-such-page/")
    else:
        raise UnknownDoor(f"the probe does not know how to fill {pattern.route} {names}")


# Pages that take a POST: an invalid one re-renders the page (a door of its own) and changes
# nothing. Retiring and issuing take no fields, so they are never posted here.
_POSTS = {"person_review", "person_decide", "supporter_add", "supporter_edit", "runs",
          "person_agreement", "person_family_agreement", "print_jobs"}  # fmt: skip


def _varied_people(town: Town) -> set[int]:
    return {town.people[key].pk for key in ("in_consent", "in_refused", "in_no_reply")}


def _drills(town: Town) -> list[Drill]:
    """The drills whose pages are fetched: a drill over both areas, started the first time it
    is asked for, and a real event once an emergency is open, which lists N1's people who did
    not consent under it."""
    if not Drill.objects.filter(kind=DrillKind.DRILL).exists():
        drill_start(name="合同訓練", hazard="flood", slot="weekday_night",
                    neighbourhoods=town.areas.values())  # fmt: skip
    if town.emergency is not None and not Drill.objects.filter(kind=DrillKind.EVENT).exists():
        drill_start(name="大雨", hazard="flood", slot="weekday_night",
                    neighbourhoods=town.areas.values(), kind=DrillKind.EVENT)  # fmt: skip
    return list(Drill.objects.order_by("pk"))


def _print_jobs(town: Town) -> list[PrintJob]:
    """Print jobs of the whole town, one by an officer and one by the association (each in its
    own copy), printed the first time they are asked for."""
    if not PrintJob.objects.exists():
        for role in ("officer", "association"):
            user = town.users[role]
            print_job_create(
                list(neighbourhoods_visible_to(user)), user=user, performed_by=role, lang="ja",
                copy_for=copy_for_reader(user),
            )  # fmt: skip
    return list(PrintJob.objects.order_by("pk"))


def _page_doors(pattern: Pattern, town: Town) -> Iterator[Door]:
    names, name = pattern.parameters, pattern.name
    queries = ["", *PAGE_QUERIES.get(name, [])]

    def each(url: str, subject: models.Model | None = None) -> Iterator[Door]:
        # Query strings on every area and supporter, and on the people of N1 (in scope for
        # the association and commissioner, consenting or not); the others are refused to
        # all but officers whatever the query.
        varied = not isinstance(subject, Person) or subject.pk in _varied_people(town)
        for query in queries if varied else [""]:
            yield Door(pattern.route, f"{url}?{query}" if query else url, subject=subject)
        if name in _POSTS:
            yield Door(pattern.route, url, method="POST", subject=subject)

    if not names:
        yield from each(_fill(pattern.route))
    elif names == ["code"]:
        for code, area in town.areas.items():
            yield from each(_fill(pattern.route, code=code), area)
    elif names == ["code", "pk"] and name.startswith("supporter"):
        for supporter in town.supporters.values():
            assert supporter.neighbourhood is not None
            own = supporter.neighbourhood.code
            yield from each(_fill(pattern.route, code=own, pk=supporter.pk), supporter)
            # The same supporter under the other area's address: never a way round the scope.
            other = "N1" if own == "N2" else "N2"
            yield from each(_fill(pattern.route, code=other, pk=supporter.pk), supporter)
    elif names == ["pk"] and name.startswith("person"):
        for person in town.people.values():
            yield from each(_fill(pattern.route, pk=person.pk), person)
    elif names == ["pk"] and name.startswith("run"):
        for run in PlanRun.objects.order_by("pk"):
            yield from each(_fill(pattern.route, pk=run.pk), run)
    elif names == ["pk"] and name.startswith("print_job"):
        for job in _print_jobs(town):
            yield from each(_fill(pattern.route, pk=job.pk), job)
    elif names == ["token"] and name == "drill_supporter":
        # A supporter's drill link opens for whoever holds it (tests/drills/test_phone_page.py
        # checks its scope); here a forged one, which must show nothing to anyone.
        yield Door(pattern.route, _fill(pattern.route, token="WzEsMV0:forged:link"))
        yield Door(pattern.route, _fill(pattern.route, token="WzEsMV0:forged:link"), "POST")
    elif names == ["pk"] and name.startswith("drill"):
        for drill in _drills(town):
            yield from each(_fill(pattern.route, pk=drill.pk), drill)
    elif names == ["pk", "code"] and name.startswith("drill"):
        # A neighbourhood's plot in a drill's report: each area in each drill.
        for drill in _drills(town):
            for code, area in town.areas.items():
                yield from each(_fill(pattern.route, pk=drill.pk, code=code), area)
    elif names == ["pk", "supporter"] and name.startswith("drill"):
        for drill in _drills(town):
            for supporter in town.supporters.values():
                url = _fill(pattern.route, pk=drill.pk, supporter=supporter.pk)
                yield from each(url, supporter)
                yield Door(pattern.route, url, "POST", subject=supporter)
    elif names == ["pk", "person"] and name.startswith("drill"):
        for drill in _drills(town):
            for person in town.people.values():
                url = _fill(pattern.route, pk=drill.pk, person=person.pk)
                yield from each(url, person)
                yield Door(pattern.route, url, "POST", subject=person)
    else:
        raise UnknownDoor(f"the probe does not know how to fill {pattern.route} {name} {names}")


def doors(town: Town) -> list[Door]:
    """Every door, filled: read afresh each time (the audit log grows between walks)."""
    found: list[Door] = []
    for pattern in patterns():
        maker = _admin_doors if pattern.is_admin else _page_doors
        found += list(maker(pattern, town))
    return found
