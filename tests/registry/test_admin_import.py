"""The officers' import page: upload, dry-run report, confirm; the same code as the command."""

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from registry.admin_import import SESSION_KEY, UPLOAD_DIR
from registry.models import ImportRecord, Person
from tests.importing import PERSON_HEADER, csv_text, fingerprint, person_row

pytestmark = pytest.mark.django_db
URL = reverse("admin:registry_importrecord_upload")


@pytest.fixture
def officer():
    return get_user_model().objects.create_superuser("officer", password="a-long-password-1")


@pytest.fixture
def client(officer):
    client = Client()
    client.force_login(officer)
    return client


def upload(client, text, name="persons.csv", kind="persons", language="en"):
    data = {"kind": kind, "file": SimpleUploadedFile(name, text.encode("cp932"))}
    return client.post(URL, data, headers={"accept-language": language})


def test_it_shows_the_dry_run_then_imports_on_confirmation(client, officer):
    response = upload(client, csv_text(PERSON_HEADER, [person_row(), person_row(id="P-2")]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Dry run, nothing written: persons from persons.csv" in html
    assert "2 created" in html
    assert not Person.objects.exists() and not ImportRecord.objects.exists()
    pending = client.session[SESSION_KEY]
    assert Path(pending["path"]).parent == UPLOAD_DIR and Path(pending["path"]).exists()
    assert "P-1" not in pending["path"] and "persons" not in pending["path"]

    confirmed = client.post(URL, {"confirm": "1"})

    record = ImportRecord.objects.get()
    assert confirmed.status_code == 302
    assert confirmed["Location"] == reverse("admin:registry_importrecord_change", args=[record.pk])
    assert (record.user, record.performed_by, record.created) == (officer, "officer", 2)
    assert Person.objects.count() == 2
    assert SESSION_KEY not in client.session
    assert not Path(pending["path"]).exists()


def test_it_lists_every_problem_and_keeps_nothing(client):
    before = fingerprint()
    bad = csv_text(
        PERSON_HEADER, [person_row(mobility="flies"), person_row(id="P-2", lat="北緯35度")]
    )

    response = upload(client, bad)

    html = response.content.decode()
    assert "2 problems; nothing was written." in html
    assert "unknown value &#x27;flies&#x27;" in html
    assert "&#x27;北緯35度&#x27; is not a number in decimal degrees" in html
    assert SESSION_KEY not in client.session
    assert client.post(URL, {"confirm": "1"}).status_code == 200  # nothing pending to confirm
    assert fingerprint() == before


def test_it_asks_for_the_hazard_of_hazard_areas(client):
    response = upload(client, "{}", name="areas.geojson", kind="hazards")

    assert "Choose the hazard these areas are for." in response.content.decode()


def test_it_drops_a_cancelled_upload(client):
    upload(client, csv_text(PERSON_HEADER, [person_row()]))
    pending = client.session[SESSION_KEY]

    client.post(URL, {"cancel": "1"})

    assert SESSION_KEY not in client.session
    assert not Path(pending["path"]).exists()
    assert not Person.objects.exists()


def test_it_is_for_staff_only():
    response = Client().get(URL)

    assert response.status_code == 302 and "/login/" in response["Location"]


def test_it_links_the_page_from_the_list_of_imports(client):
    html = client.get(reverse("admin:registry_importrecord_changelist")).content.decode()

    assert URL in html


def test_it_explains_problems_in_the_officers_language(client):
    bad = csv_text(PERSON_HEADER, [person_row(lat="北緯35度"), person_row(id="P-1")])

    japanese = upload(client, bad, language="ja").content.decode()
    english = upload(client, bad, language="en").content.decode()

    assert "2件の問題があります。何も書き込んでいません。" in japanese
    assert "&#x27;北緯35度&#x27; は度単位の10進数（例：35.36）ではありません" in japanese
    assert "&#x27;P-1&#x27; が重複しています（最初は2行目）" in japanese
    assert "is not a number" not in japanese and "appears again" not in japanese
    assert "2 problems; nothing was written." in english
    assert "&#x27;北緯35度&#x27; is not a number in decimal degrees" in english
    assert "&#x27;P-1&#x27; appears again (first on line 2)" in english


def test_it_summarises_the_dry_run_in_the_officers_language(client):
    rows = [person_row(), person_row(id="P-2")]

    japanese = upload(client, csv_text(PERSON_HEADER, rows), language="ja").content.decode()

    assert (
        "確認のみ（まだ何も書き込んでいません）：persons.csv（csv (cp932)）の避難行動要支援者 "
        "2行：新規 2件、更新 0件、変更なし 0件。" in japanese
    )
