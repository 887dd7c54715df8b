"""`print_plans --background` queues the neighbourhood bundles as a print job for the workers,
and `print_plans --job N --out DIR` writes a finished job's bundles under the names the
foreground gives them. (Tasks run at once here; tests/queue runs them on real workers.)"""

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from printouts.models import PrintJob, PrintJobStatus, PrintPart
from registry.management.commands.create_user import user_create_with_role
from registry.models import AuditAction, AuditEntry

pytestmark = pytest.mark.django_db


def run(*args: str, **options: object) -> str:
    out = io.StringIO()
    call_command("print_plans", *args, stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


def refused(*args: str, **options: object) -> CommandError:
    with pytest.raises(CommandError) as excinfo:
        run(*args, **options)
    return excinfo.value


@pytest.fixture
def issued(town):
    call_command("issue_plans", stdout=io.StringIO())
    return town


def test_it_queues_a_print_job_and_names_its_page(issued, settings):
    settings.BASE_URL = "https://sasaeai.example.jp/"
    output = run("--background", "--neighbourhood", "N1", "--copy-for", "officer", "--draft")

    job = PrintJob.objects.get()
    assert output.splitlines()[-1] == str(job.pk)
    assert f"https://sasaeai.example.jp/printing/{job.pk}/" in output
    assert f"print_plans --job {job.pk} --out DIR" in output
    assert (job.copy_for, job.lang, job.draft, job.user) == ("officer", "ja", True, None)
    assert [part.neighbourhood.code for part in job.parts.all()] == ["N1"]


def test_the_job_is_printed_for_the_user_named(issued):
    user_create_with_role(
        username="clerk", role="officer", neighbourhoods=[], password="pw-0123456789"
    )
    run("--background", "--user", "clerk", "--lang", "en", "--copy-for", "officer")

    job = PrintJob.objects.select_related("user").get()
    assert job.user is not None and job.user.get_username() == "clerk"
    assert (job.performed_by, job.lang, job.copy_for) == ("clerk", "en", "officer")


def test_it_writes_a_finished_jobs_bundles_as_the_foreground_names_them(issued, tmp_path: Path):
    foreground, background = tmp_path / "foreground", tmp_path / "background"
    run(out=str(foreground))
    job_id = run("--background").splitlines()[-1]
    assert PrintJob.objects.get(pk=job_id).status == PrintJobStatus.DONE

    output = run("--job", job_id, "--out", str(background))

    assert "Wrote 1 PDF file(s)" in output
    names = sorted(path.name for path in background.iterdir())
    assert names == sorted(path.name for path in foreground.iterdir())
    assert names == ["bundle-N1-association-ja.pdf"]
    pdf = (background / names[0]).read_bytes()
    assert len(PdfReader(io.BytesIO(pdf)).pages) >= 1
    export = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert export.detail["job"] == int(job_id)
    assert sorted(export.object_ids) == sorted(PrintPart.objects.get().person_ids)


def test_it_refuses_a_job_still_printing(issued, tmp_path: Path):
    job = PrintJob.objects.create(performed_by="test", copy_for="association", lang="ja")

    error = refused("--job", str(job.pk), "--out", str(tmp_path / "out"))

    assert error.returncode == 2
    assert f"print job #{job.pk} is still printing" in str(error)
    assert not (tmp_path / "out").exists()


def test_it_refuses_a_job_that_does_not_exist_or_is_not_the_users(issued, tmp_path: Path):
    error = refused("--job", "999999", "--out", str(tmp_path))
    assert error.returncode == 2 and str(error) == "no print job #999999"

    job = PrintJob.objects.create(
        performed_by="test", copy_for="association", lang="ja", status=PrintJobStatus.DONE
    )
    user_create_with_role(
        username="assoc",
        role="association",
        neighbourhoods=["N1"],
        password="pw-0123456789",
    )
    error = refused("--job", str(job.pk), "--out", str(tmp_path), "--user", "assoc")
    assert error.returncode == 2 and str(error) == f"no print job #{job.pk}"


def test_a_failed_job_writes_what_was_printed_and_exits_1_naming_the_rest(issued, tmp_path: Path):
    job = PrintJob.objects.create(
        performed_by="test", copy_for="association", lang="ja", status=PrintJobStatus.FAILED
    )
    PrintPart.objects.create(job=job, neighbourhood=issued["area"], error="WorkerLost: gone")

    error = refused("--job", str(job.pk), "--out", str(tmp_path))

    assert error.returncode == 1
    assert str(error) == f"print job #{job.pk} failed for 1 neighbourhood(s): N1"
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(
    "args, message",
    [
        (["--background", "--person", "P-1"], "--background prints neighbourhood bundles"),
        (["--background", "--neighbourhood", "N9"], "no neighbourhood with code 'N9'"),
        (["--background", "--copy-for", "family"], "--copy-for family prints one --person"),
        (["--job", "1"], "--job needs --out DIR"),
        ([], "--out DIR is needed (or --background)"),
    ],
)
def test_it_refuses_what_it_cannot_do_with_exit_2(issued, args, message):
    error = refused(*args)
    assert error.returncode == 2 and message in str(error)
    assert not PrintJob.objects.exists()
