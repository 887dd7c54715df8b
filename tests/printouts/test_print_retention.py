"""Printed bundles are personal data: a print job is deleted with its bundles once it is older
than SASAEAI_PRINT_KEEP_DAYS, unless it is still printing."""

import datetime as dt

import pytest
from django.utils import timezone

from printouts.jobs import forget_old_print_jobs
from printouts.models import PrintJob, PrintJobStatus, PrintPart
from tests.factories import make_neighbourhood

pytestmark = pytest.mark.django_db


def job(status: str, days_ago: int) -> PrintJob:
    area = make_neighbourhood()
    made = PrintJob.objects.create(performed_by="t", copy_for="officer", lang="ja", status=status)
    PrintPart.objects.create(job=made, neighbourhood=area, pdf=b"%PDF-1.4", file_name="b.pdf")
    PrintJob.objects.filter(pk=made.pk).update(
        created_at=timezone.now() - dt.timedelta(days=days_ago)
    )
    return made


def test_old_jobs_go_with_their_bundles_and_recent_or_working_ones_stay(settings):
    settings.PRINT_KEEP_DAYS = 7
    old = job(PrintJobStatus.DONE, 8)
    recent = job(PrintJobStatus.DONE, 6)
    stuck = job(PrintJobStatus.WORKING, 30)

    forget_old_print_jobs()

    assert set(PrintJob.objects.values_list("pk", flat=True)) == {recent.pk, stuck.pk}
    assert not PrintPart.objects.filter(job_id=old.pk).exists()
