"""Imports confirmed on the admin's import page run in the task queue: the page returns at once
and follows the queued import to its end; the import stays all or nothing, and a failure shows
its reason on the page. The dry run stays in the request."""

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from procrastinate.contrib.django.models import ProcrastinateJob

from registry.admin_import import SESSION_KEY
from registry.models import AuditAction, AuditEntry, ImportRecord, Neighbourhood, Person
from registry.models.imports import ImportJob, ImportJobStatus
from registry.tasks import import_queued
from tests.factories import make_neighbourhood
from tests.importing import PERSON_HEADER, csv_text, fingerprint, person_row
from tests.queue.workers import wait_for, worker

URL = reverse("admin:registry_importrecord_upload")
ROWS = [person_row(), person_row(id="P-2", name="佐藤 次郎")]


def officer_client() -> Client:
    get_user_model().objects.create_superuser("officer", password="a-long-password-1")
    client = Client()
    client.force_login(get_user_model().objects.get(username="officer"))
    return client


def upload(client: Client, text: str) -> Path:
    data = {"kind": "persons", "file": SimpleUploadedFile("persons.csv", text.encode("cp932"))}
    response = client.post(URL, data, headers={"accept-language": "en"})
    assert "Dry run, nothing written" in response.content.decode()
    return Path(client.session[SESSION_KEY]["path"])


def page(client: Client, job: ImportJob) -> str:
    return client.get(f"{URL}?import={job.pk}", headers={"accept-language": "en"}).content.decode()


@pytest.mark.django_db
def test_a_confirmed_import_runs_as_a_task_given_the_jobs_number_alone():
    client = officer_client()
    stored = upload(client, csv_text(PERSON_HEADER, ROWS))

    confirmed = client.post(URL, {"confirm": "1"})

    job = ImportJob.objects.get()
    record = ImportRecord.objects.get()
    # Tasks run at once in these tests: the page goes straight to what the import wrote.
    assert confirmed["Location"] == reverse("admin:registry_importrecord_change", args=[record.pk])
    assert (job.status, job.record, job.kind, job.file_name) == (
        "done",
        record,
        "persons",
        "persons.csv",
    )
    assert job.stored == stored.name and job.started_at and job.finished_at
    assert Person.objects.count() == 2 and not stored.exists()
    assert (
        AuditEntry.objects.filter(action=AuditAction.IMPORT, detail__import=record.pk).count() == 1
    )
    html = page(client, job)
    assert f"Import #{job.pk}: Done" in html
    assert "Imported: persons from persons.csv (csv (cp932)), 2 rows: 2 created" in html


@pytest.mark.django_db
def test_a_failure_in_the_worker_writes_nothing_and_shows_its_reason():
    area = make_neighbourhood(code="N1")
    client = officer_client()
    stored = upload(client, csv_text(PERSON_HEADER, [person_row(neighbourhood="N1")]))
    # Between the dry run and the import the neighbourhood goes: the import is refused whole.
    area.delete()
    before = fingerprint()

    confirmed = client.post(URL, {"confirm": "1"})

    job = ImportJob.objects.get()
    assert confirmed["Location"] == URL
    assert job.status == ImportJobStatus.FAILED and job.record is None
    # Stored in the site's language: the worker knows no reader's.
    assert (
        job.error
        == "取り込みませんでした：2: neighbourhood: 町内会コード 'N1' は登録されていません"
    )
    assert fingerprint() == before and not ImportRecord.objects.exists()
    assert not stored.exists()
    html = page(client, job)
    assert (
        f"Import #{job.pk}: Failed" in html
        and "町内会コード &#x27;N1&#x27; は登録されていません" in html
    )


@pytest.mark.django_db
def test_a_file_gone_from_the_uploads_fails_the_job_with_the_reason():
    client = officer_client()
    user = get_user_model().objects.get()
    job = ImportJob.objects.create(
        kind="persons", file_name="persons.csv", stored="0" * 32 + ".csv", checksum="0" * 64,
        user=user, performed_by="officer",
    )  # fmt: skip

    import_queued.call(job.pk)

    job.refresh_from_db()
    assert job.status == ImportJobStatus.FAILED
    assert (
        job.error == "アップロードしたファイルが見つかりません。もう一度アップロードしてください。"
    )
    assert job.error in page(client, job)


@pytest.mark.django_db
def test_a_job_that_ended_is_never_run_again():
    client = officer_client()
    upload(client, csv_text(PERSON_HEADER, ROWS))
    client.post(URL, {"confirm": "1"})
    job = ImportJob.objects.get()

    import_queued.call(job.pk)

    assert ImportRecord.objects.count() == 1
    assert ImportJob.objects.get().status == ImportJobStatus.DONE


@pytest.mark.django_db(transaction=True)
@pytest.mark.queue
def test_the_page_returns_at_once_and_a_worker_imports_the_file():
    client = officer_client()
    stored = upload(client, csv_text(PERSON_HEADER, ROWS))

    confirmed = client.post(URL, {"confirm": "1"})

    job = ImportJob.objects.get()
    assert confirmed["Location"] == f"{URL}?import={job.pk}"
    assert job.status == ImportJobStatus.QUEUED and not Person.objects.exists()
    queued = ProcrastinateJob.objects.get(pk=int(job.task))
    # The queue's table names the job's number, never the file or what is in it.
    assert queued.args["task"] == "registry.tasks.import_queued"
    assert queued.args["args"] == [job.pk]
    html = page(client, job)
    assert f"Import #{job.pk}: Waiting for a worker" in html
    assert '<meta http-equiv="refresh"' in html and stored.exists()
    # A worker on another machine cannot see the web server's uploads: it reads the database.
    stored.unlink()

    with worker():
        wait_for(
            lambda: ImportJob.objects.filter(pk=job.pk, status__in=["done", "failed"]).exists(),
            seconds=90, what="the import to end",
        )  # fmt: skip

    job.refresh_from_db()
    assert job.status == ImportJobStatus.DONE, job.error
    assert Person.objects.count() == 2 and job.record == ImportRecord.objects.get()
    # The file's bytes leave the database with the end of the import.
    assert ImportJob.objects.filter(pk=job.pk, data__isnull=True).exists()
    html = page(client, job)
    assert f"Import #{job.pk}: Done" in html and '<meta http-equiv="refresh"' not in html
    assert "2 created" in html
    assert not Neighbourhood.objects.exists()
