"""The printing page as every role: what each may start, see and download. Tasks run at once
here (tests/queue runs them on real workers)."""

import io
import zipfile

import pytest
from django.urls import reverse
from pypdf import PdfReader

from planner.scenario import Scenario
from planner.services import plan_run_create
from planner.versions import issue_plans
from printouts.models import PrintJob, PrintJobStatus
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

pytestmark = pytest.mark.django_db


@pytest.fixture
def town():
    north = make_neighbourhood(code="N1", name="本町", geom=square(-500, -500, 500, 500))
    south = make_neighbourhood(code="N2", name="南町", geom=square(-500, 1500, 500, 2500))
    make_person(neighbourhood=north, location=at(0, 0), name="北 花子")
    make_person(neighbourhood=south, location=at(0, 2000), name="南 太郎")
    make_person(neighbourhood=north, location=at(40, 0), name="秘密 多恵", consent="refused")
    for east in (10, 20):
        make_supporter(neighbourhood=north, location=at(east, 0), available=["weekday_night"])
    make_shelter(location=at(0, 300), hazards=["flood"])
    plan_run_create(scenario=Scenario("flood", "weekday_night"), performed_by="test")
    issue_plans(Person.objects.all(), performed_by="test")
    for name, role, areas in [("officer", "officer", []), ("assoc", "association", ["N1"]),
                              ("auditor", "auditor", [])]:  # fmt: skip
        user_create_with_role(username=name, role=role, neighbourhoods=areas, password=PASSWORD)


def zip_texts(response) -> dict[str, str]:
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    return {
        name: "".join(
            page.extract_text() for page in PdfReader(io.BytesIO(archive.read(name))).pages
        )
        for name in archive.namelist()
    }


def test_an_association_prints_only_its_own_neighbourhoods_in_its_copy(town):
    client = as_user("assoc")

    started = client.post(reverse("print_jobs"), {"all": "1", "lang": "ja"})

    job = PrintJob.objects.get()
    assert started["Location"] == reverse("print_job", args=[job.pk])
    assert job.status == PrintJobStatus.DONE and job.copy_for == "association"
    texts = zip_texts(client.get(reverse("print_job_zip", args=[job.pk])))
    assert list(texts) == ["bundle-N1-association-ja.pdf"]
    assert "北 花子" in texts["bundle-N1-association-ja.pdf"]
    assert "秘密" not in texts["bundle-N1-association-ja.pdf"]  # no consent: not in its copy
    export = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert export.actor == "assoc" and len(export.object_ids) == 1


def test_an_association_cannot_choose_another_neighbourhood(town):
    refused = as_user("assoc").post(reverse("print_jobs"), {"neighbourhoods": ["N2"], "lang": "ja"})

    assert refused.status_code == 400 and not PrintJob.objects.exists()


def test_jobs_are_their_users_own_and_officers_see_all(town):
    as_user("officer").post(reverse("print_jobs"), {"neighbourhoods": ["N2"], "lang": "ja"})
    officers = PrintJob.objects.get()

    assoc = as_user("assoc")
    assert assoc.get(reverse("print_job", args=[officers.pk])).status_code == 404
    assert assoc.get(reverse("print_job_zip", args=[officers.pk])).status_code == 404
    assert (
        reverse("print_job", args=[officers.pk])
        not in assoc.get(reverse("print_jobs")).content.decode()
    )
    assoc.post(reverse("print_jobs"), {"all": "1", "lang": "ja"})
    theirs = PrintJob.objects.exclude(pk=officers.pk).get()
    officer = as_user("officer")
    assert officer.get(reverse("print_job", args=[theirs.pk])).status_code == 200
    texts = zip_texts(officer.get(reverse("print_job_zip", args=[officers.pk])))
    assert (
        list(texts) == ["bundle-N2-officer-ja.pdf"]
        and "南 太郎" in texts["bundle-N2-officer-ja.pdf"]
    )


def test_an_auditor_prints_nothing_and_a_stranger_is_sent_to_log_in(town):
    auditor = as_user("auditor")
    # Auditors see the audit log and nothing else: every page sends them there.
    assert auditor.get(reverse("print_jobs"))["Location"] == "/admin/registry/auditentry/"
    auditor.post(reverse("print_jobs"), {"all": "1", "lang": "ja"})
    assert not PrintJob.objects.exists()
    from django.test import Client

    assert Client().get(reverse("print_jobs")).status_code == 302


def test_a_double_tap_starts_one_job(town, settings):
    # The job stays `working` here: its tasks wait on a queue no worker reads.
    settings.TASKS = {"default": {"BACKEND": "registry.queue.backend.QueueBackend"}}
    client = as_user("assoc")

    first = client.post(reverse("print_jobs"), {"all": "1", "lang": "ja"})
    second = client.post(reverse("print_jobs"), {"all": "1", "lang": "ja"})

    job = PrintJob.objects.get()
    assert first["Location"] == second["Location"] == reverse("print_job", args=[job.pk])
    client.post(reverse("print_jobs"), {"all": "1", "lang": "en"})
    assert PrintJob.objects.count() == 2
