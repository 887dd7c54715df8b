"""Printing many neighbourhoods goes through the real queue: one task per neighbourhood, run
by worker processes the test starts. A worker killed in the middle of a bundle leaves no part of
it; the bundle is printed again by another worker, or fails with the reason once it has been
tried as often as allowed; no bundle is ever kept (or audited) twice."""

import io
import os
import signal
import zipfile
from typing import Any

import pytest
from django.urls import reverse
from procrastinate.contrib.django.models import ProcrastinateJob
from pypdf import PdfReader

from planner.scenario import Scenario
from planner.services import plan_run_create
from planner.versions import issue_plans
from printouts.models import PrintJob, PrintJobStatus, PrintPart
from registry.management.commands.create_user import user_create_with_role
from registry.models import AuditAction, AuditEntry, Person
from tests.clients import PASSWORD, as_user
from tests.factories import (
    at,
    make_neighbourhood,
    make_person,
    make_shelter,
    make_supporter,
    square,
)
from tests.queue.workers import wait_for, worker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.queue]
AREAS = 4
PEOPLE = 10


@pytest.fixture
def town():
    for n in range(AREAS):
        west = n * 2000
        area = make_neighbourhood(
            code=f"N{n}", name=f"{n}丁目", geom=square(west - 500, -500, west + 500, 500)
        )
        for i in range(PEOPLE):
            make_person(neighbourhood=area, location=at(west + i * 30, 0))
            make_supporter(neighbourhood=area, location=at(west + i * 30, 20),
                           available=["weekday_night"])  # fmt: skip
        make_shelter(location=at(west, 300), hazards=["flood"])
    plan_run_create(scenario=Scenario("flood", "weekday_night"), performed_by="test")
    issue_plans(Person.objects.all(), performed_by="test")
    user_create_with_role(username="officer", role="officer", neighbourhoods=[], password=PASSWORD)


def start_city_print() -> PrintJob:
    response = as_user("officer").post(reverse("print_jobs"), {"all": "1", "lang": "ja"})
    job = PrintJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("print_job", args=[job.pk])
    return job


def printed_once() -> dict[str, int]:
    """Print entries in the audit log, by neighbourhood."""
    counts: dict[str, int] = {}
    for entry in AuditEntry.objects.filter(action=AuditAction.PRINT):
        code = entry.detail["neighbourhood"]
        counts[code] = counts.get(code, 0) + 1
    return counts


def unzip(download: Any) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))


def whole_pdfs() -> list[int]:
    """The pages of every bundle kept so far; each must parse as a whole PDF."""
    kept = PrintPart.objects.exclude(pdf=None).values_list("pdf", flat=True)
    return [len(PdfReader(io.BytesIO(bytes(pdf or b""))).pages) for pdf in kept]


def kill_mid_bundle(process) -> None:
    wait_for(
        lambda: ProcrastinateJob.objects.filter(status="doing", task_name="sasaeai.run").exists(),
        seconds=60, what="a worker to start a bundle",
    )  # fmt: skip
    os.kill(process.pid, signal.SIGKILL)
    process.wait()


def test_a_city_print_job_runs_on_a_worker_and_downloads_as_a_zip(town):
    job = start_city_print()
    page = as_user("officer").get(reverse("print_job", args=[job.pk]))
    assert page.status_code == 200 and "<progress" in page.content.decode()

    with worker():
        wait_for(lambda: PrintJob.objects.filter(pk=job.pk, status=PrintJobStatus.DONE).exists(),
                 seconds=120, what="the print job to end")  # fmt: skip

    download = as_user("officer").get(reverse("print_job_zip", args=[job.pk]))
    assert download.status_code == 200 and download["Cache-Control"] == "no-store"
    archive = unzip(download)
    names = sorted(archive.namelist())
    assert names == [f"bundle-N{n}-officer-ja.pdf" for n in range(AREAS)]
    for name in names:
        assert len(PdfReader(io.BytesIO(archive.read(name))).pages) >= PEOPLE
    assert printed_once() == {f"N{n}": 1 for n in range(AREAS)}
    export = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert len(export.object_ids) == AREAS * PEOPLE


def test_a_killed_worker_leaves_no_half_bundle_and_another_worker_finishes(town):
    job = start_city_print()
    with worker() as first:
        kill_mid_bundle(first)
    assert all(pages >= PEOPLE for pages in whole_pdfs())
    assert PrintPart.objects.exclude(pdf=None).count() < AREAS

    with worker():
        wait_for(lambda: PrintJob.objects.filter(pk=job.pk, status=PrintJobStatus.DONE).exists(),
                 seconds=120, what="the print job to end after the retry")  # fmt: skip

    assert len(whole_pdfs()) == AREAS
    assert printed_once() == {f"N{n}": 1 for n in range(AREAS)}
    assert ProcrastinateJob.objects.filter(task_name="sasaeai.run", attempts__gte=1).exists()


def test_a_bundle_whose_worker_died_too_often_fails_with_the_reason(town):
    job = start_city_print()
    with worker() as first:
        kill_mid_bundle(first)

    with worker(SASAEAI_QUEUE_ATTEMPTS="1"):
        wait_for(lambda: PrintJob.objects.filter(pk=job.pk, status=PrintJobStatus.FAILED).exists(),
                 seconds=120, what="the print job to fail")  # fmt: skip

    failed = PrintPart.objects.exclude(error="")
    assert failed.count() == 1 and "stopped 1 times" in failed.get().error
    assert failed.get().pdf is None
    assert len(whole_pdfs()) == AREAS - 1
    page = as_user("officer").get(reverse("print_job", args=[job.pk]),
                                  headers={"accept-language": "en"}).content.decode()  # fmt: skip
    assert "Some neighbourhoods could not be printed" in page and "stopped 1 times" in page
    download = as_user("officer").get(reverse("print_job_zip", args=[job.pk]))
    archive = unzip(download)
    assert len(archive.namelist()) == AREAS - 1


def test_a_plan_run_queued_behind_a_city_print_goes_first(town):
    from planner.models import PlanRun, RunStatus

    job = start_city_print()
    as_user("officer").post(reverse("runs"), {"hazard": "flood", "slot": "weekend_day"})
    run = PlanRun.objects.get(status=RunStatus.QUEUED)

    with worker("--once") as process:
        process.wait(timeout=180)

    run.refresh_from_db()
    parts = PrintPart.objects.filter(job=job)
    assert run.status == RunStatus.DONE and parts.exclude(pdf=None).count() == AREAS
    ended = [part.finished_at for part in parts if part.finished_at is not None]
    assert run.finished_at is not None and len(ended) == AREAS and run.finished_at < min(ended)
