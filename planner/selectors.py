"""Named reads of plan runs: coverage per neighbourhood from the latest runs, the scenarios
planned for a neighbourhood or a person, and the latest run of one scenario."""

from django.db.models import Q, QuerySet

# Coverage counts live in planner.coverage (one counting query); pages import them from here.
from planner.coverage import Coverage as Coverage
from planner.coverage import coverage_by_neighbourhood as coverage_by_neighbourhood
from planner.models import (
    AssignmentState,
    PairState,
    PlanRun,
    RunStatus,
    SupportAgreement,
    SupporterAssignment,
)
from registry.models import Neighbourhood, Person, Supporter


def _runs_including(subject: Neighbourhood | Person) -> QuerySet[PlanRun]:
    """Finished runs that planned the neighbourhood (or the person). A run plans either the
    whole city or one neighbourhood, so for a neighbourhood the run's own scope says it without
    reading the runs' hundred thousand person rows."""
    done = PlanRun.objects.filter(status=RunStatus.DONE)
    if isinstance(subject, Person):
        return done.filter(person_plans__person=subject)
    return done.filter(Q(neighbourhood__isnull=True) | Q(neighbourhood=subject))


def planned_scenarios(subject: Neighbourhood | Person) -> list[tuple[str, str]]:
    """(hazard, slot) of every scenario with a finished run that included the neighbourhood
    (or the person), the most recently planned first: what a page offers to choose from."""
    seen: dict[tuple[str, str], None] = {}
    runs = _runs_including(subject).order_by("-pk").values_list("hazard", "slot", "pk")
    for hazard, slot, _pk in runs.distinct():
        seen.setdefault((hazard, slot), None)
    return list(seen)


def latest_run(subject: Neighbourhood | Person, hazard: str, slot: str) -> PlanRun | None:
    """The latest finished run of one scenario (hazard and time slot) that included the
    neighbourhood (or the person): a run of another scenario never stands in for it."""
    return _runs_including(subject).filter(hazard=hazard, slot=slot).order_by("-pk").first()


def people_helped_by(supporter: Supporter) -> list[tuple[int, str, str]]:
    """(person id, hazard, slot) for everyone the supporter helps in the latest finished run
    of each scenario planned for the supporter's neighbourhood, leaving out people whom the
    supporter declined to help."""
    if supporter.pk is None or supporter.neighbourhood is None:
        return []
    area = supporter.neighbourhood
    runs = [
        run
        for hazard, slot in planned_scenarios(area)
        if (run := latest_run(area, hazard, slot)) is not None
    ]
    return [
        (person_id, hazard, slot)
        for person_id, hazard, slot in SupporterAssignment.objects.filter(
            supporter=supporter, run__in=runs
        )
        .exclude(state=AssignmentState.REJECTED)
        .exclude(
            person__in=SupportAgreement.objects.filter(
                supporter=supporter, state=PairState.DECLINED
            ).values("person")
        )
        .order_by("run__hazard", "run__slot", "distance_m")
        .values_list("person_id", "run__hazard", "run__slot")
    ]
