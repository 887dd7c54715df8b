"""The walk: every door, as every role, searched for what the role may not see. Findings are
gathered, never raised one by one, so that one run lists everything that remains."""

import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max
from django.utils import translation
from django.utils.translation import gettext as _

from registry.access import (
    neighbourhoods_visible_to,
    persons_visible_to,
    supporters_visible_to,
)
from registry.models import AuditEntry, Neighbourhood, Person, Supporter
from tests.disclosure.doors import Door, doors, patterns
from tests.disclosure.extract import text_of
from tests.disclosure.forbidden import names_needing_a_mark, secrets_for, squeeze
from tests.disclosure.town import ROLES, Town, client_for

# The only doors an anonymous visitor may open.
# The health URL answers load balancers with counts only (tests/pages/test_health.py); the
# forbidden-text search below still runs on it, as on every door.
PUBLIC = {"accounts/login/", "admin/login/", "health/"}
# A person's pages, which open for every page role that may see the person.
OWN_PAGES = {
    "people/<int:pk>/",
    "people/<int:pk>/plan.pdf",
    "people/<int:pk>/card.pdf",
    "admin/registry/person/<path:object_id>/change/",
}
PAGE_ROLES = ("officer", "association", "commissioner")
# Roles that are marked in the audit log when they see someone only through an emergency.
MARKED_ROLES = ("association", "commissioner")


@dataclass(frozen=True)
class Finding:
    door: str  # the URL pattern
    role: str
    emergency: bool
    url: str
    what: str

    def __str__(self) -> str:
        state = "emergency" if self.emergency else "normal"
        return f"[{self.door}] {self.role:<12} {state:<9} {self.url}: {self.what}"


@dataclass
class Walk:
    findings: list[Finding]
    fetched: int = 0
    seconds: float = 0.0
    # Seconds spent per URL pattern, to keep the walk within a few minutes.
    costs: dict[str, float] = field(default_factory=dict)


def _copy_labels() -> dict[str, set[str]]:
    """The footer names of the copies, in both languages; the commissioner's by its word."""
    labels: dict[str, set[str]] = {"association": set(), "officer": set()}
    for lang in ("ja", "en"):
        with translation.override(lang):
            labels["association"].add(_("Association copy"))
            labels["officer"].add(_("Officer copy"))
    return labels


def _footers(text: str) -> list[str]:
    """What each page's footer says the copy is for: "<confidential> ・ <copy>"."""
    found = []
    for lang in ("ja", "en"):
        with translation.override(lang):
            confidential = _("Confidential: personal information")
        pattern = re.compile(rf"{re.escape(confidential)}\s*・\s*([^\n]*?)\s*(?:\n|$)")
        found += [match.group(1).strip() for match in pattern.finditer(text)]
    return found


def _footer_findings(door: Door, role: str, text: str) -> list[str]:
    labels = _copy_labels()
    footers = set(_footers(text))
    problems = []
    is_bundle = door.route.endswith("bundle.pdf")
    if is_bundle and not footers:
        problems.append("bundle without a footer naming whom the copy is for")
    for footer in footers:
        if role != "officer" and footer in labels["officer"]:
            problems.append(f"footer names the officer's copy ({footer}) for a {role}")
        if role == "commissioner" and footer in labels["association"]:
            problems.append(f"footer names the association's copy ({footer}) for a commissioner")
        names_commissioner = "民生委員" in footer or "ommissioner" in footer
        if role == "association" and names_commissioner:
            problems.append(f"footer names the commissioner's copy ({footer}) for an association")
        if is_bundle and role == "commissioner" and not names_commissioner:
            problems.append(f"the commissioner's bundle footer does not name them: {footer}")
        wants_officer = is_bundle and role == "officer" and "copy_for=officer" in door.url
        if wants_officer and footer not in labels["officer"]:
            problems.append(f"the officer's copy is labelled {footer}")
    return problems


class _Scope:
    """What one user may open, asked of registry.access once per walk."""

    def __init__(self, user: Any) -> None:
        if user is None:
            self.people: set[int] = set()
            self.supporters: set[int] = set()
            self.areas: set[int] = set()
        else:
            self.people = set(persons_visible_to(user).values_list("pk", flat=True))
            self.supporters = set(supporters_visible_to(user).values_list("pk", flat=True))
            self.areas = set(neighbourhoods_visible_to(user).values_list("pk", flat=True))

    def must_open(self, door: Door, role: str) -> bool:
        """A person's own pages open for those who may see the person: without this, a probe
        of doors that refuse everyone would find nothing and pass."""
        if not isinstance(door.subject, Person) or door.subject.pk not in self.people:
            return False
        if door.method != "GET" or "copy_for" in door.url or role not in PAGE_ROLES:
            return False
        return door.route in OWN_PAGES

    def refuses(self, door: Door) -> bool:
        subject = door.subject
        if isinstance(subject, Person):
            return subject.pk not in self.people
        if isinstance(subject, Supporter):
            return subject.pk not in self.supporters
        # A neighbourhood's own record (name, outline) is no personal data: only its pages,
        # which list its people, are closed to those who do not look after it.
        if isinstance(subject, Neighbourhood) and not door.route.startswith("admin/"):
            return subject.pk not in self.areas
        return False


def _last_entry() -> int:
    return AuditEntry.objects.aggregate(last=Max("pk"))["last"] or 0


def _mark_findings(user: Any, shown: dict[int, str], text: str, since: int) -> list[str]:
    """Each person seen only through the emergency is in an entry of this request that names
    the emergency."""
    problems = []
    entries = list(AuditEntry.objects.filter(pk__gt=since, user=user))
    for pk, name in shown.items():
        if name not in text:
            continue
        if not any(e.emergency_id and pk in e.object_ids for e in entries):
            external = Person.objects.get(pk=pk).external_id
            problems.append(f"look at {external} under the emergency not marked in the audit log")
    return problems


def walk_roles(
    town: Town, *, emergency: bool, roles: Iterable[str] = ROLES, walk: Walk | None = None
) -> Walk:
    walk = walk or Walk(findings=[])
    started = time.monotonic()
    every = doors(town)
    for role in roles:
        user = town.users[role]
        client = client_for(user)
        secrets = secrets_for(user, town)
        scope = _Scope(user)
        marked = names_needing_a_mark(user, town) if emergency and role in MARKED_ROLES else {}

        def find(door: Door, what: str, role: str = role) -> None:
            walk.findings.append(Finding(door.route, role, emergency, door.label, what))

        for door in every:
            since = _last_entry()
            clock = time.monotonic()
            fetch = client.post if door.method == "POST" else client.get
            try:
                response = fetch(door.url, door.data) if door.method == "POST" else fetch(door.url)
            except Exception as error:  # a crash is a finding like a 500, and the walk goes on
                find(door, f"raised {type(error).__name__}: {error}")
                continue
            walk.fetched += 1
            walk.costs[door.route] = walk.costs.get(door.route, 0.0) + time.monotonic() - clock
            status = response.status_code
            if status >= 500:
                find(door, f"status {status}")
            clock = time.monotonic()
            raw = text_of(response)
            text = squeeze(raw)
            key = f"reading {door.route}"
            walk.costs[key] = walk.costs.get(key, 0.0) + time.monotonic() - clock
            for secret in secrets:
                if secret.value in text:
                    find(door, f"{secret.kind}: {secret.what} ({secret.value})")
            if status == 200 and scope.refuses(door):
                find(door, f"status 200 for {door.subject} outside the user's scope")
            if scope.must_open(door, role) and status != 200:
                find(door, f"status {status} for {door.subject}, whom the user may see")
            if role == "anonymous" and status == 200 and door.route not in PUBLIC:
                find(door, "served to an anonymous visitor")
            if status == 200 and raw and door.url.split("?")[0].endswith(".pdf"):
                for problem in _footer_findings(door, role, raw):
                    find(door, problem)
            if marked and status == 200:
                for problem in _mark_findings(user, marked, text, since):
                    find(door, problem)
    walk.seconds += time.monotonic() - started
    return walk


def _kind(what: str) -> str:
    """A finding's kind without the value: "health: medication of P-IN_CONSENT"."""
    return what.split(" (")[0]


def report(walk: Walk) -> str:
    """A summary by door, role and emergency, then every finding."""
    by_door: dict[str, list[Finding]] = {}
    for finding in walk.findings:
        by_door.setdefault(finding.door, []).append(finding)
    lines = [f"{len(walk.findings)} findings in {walk.fetched} responses ({walk.seconds:.0f} s)"]
    slowest = sorted(walk.costs.items(), key=lambda item: -item[1])[:8]
    lines.append("slowest: " + ", ".join(f"{route} {cost:.0f} s" for route, cost in slowest))
    for door in sorted(by_door):
        lines.append(f"\n## {door}")
        groups: dict[tuple[str, bool], set[str]] = {}
        for finding in by_door[door]:
            groups.setdefault((finding.role, finding.emergency), set()).add(_kind(finding.what))
        for (role, emergency), kinds in sorted(groups.items()):
            state = "emergency" if emergency else "normal"
            lines.append(f"  {role} ({state}): " + "; ".join(sorted(kinds)))
    lines.append("\n# Every finding")
    for door in sorted(by_door):
        lines.append(f"\n== {door} ({len(by_door[door])})")
        lines += [f"  {finding}" for finding in by_door[door]]
    return "\n".join(lines)


def known_routes() -> set[str]:
    return {pattern.route for pattern in patterns()}
