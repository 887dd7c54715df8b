"""How a home was placed, in the admin: shown in words beside the map, and a marker dragged
to the house makes the home placed by hand, recorded in the audit log by field names only."""

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from registry.models import AuditEntry, Person, Supporter
from registry.models.choices import Placed
from tests.factories import make_neighbourhood, make_person, make_supporter

pytestmark = pytest.mark.django_db

MOVED = '{"type": "Point", "coordinates": [139.3215, 35.3612]}'


@pytest.fixture
def officer_client() -> Client:
    officer = get_user_model().objects.create_superuser("officer", password="a-long-password-1")
    client = Client()
    client.force_login(officer)
    return client


@pytest.fixture
def area():
    return make_neighbourhood(code="N001", name="本町")


def _form_data(client: Client, url: str) -> dict[str, Any]:
    """What the change page posts back untouched: the form's values and each inline's."""
    page = client.get(url)
    assert page.status_code == 200
    data: dict[str, Any] = {}
    forms = [page.context["adminform"].form]
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        data |= {
            management.add_prefix(name): management[name].value() for name in management.fields
        }
        forms += list(formset.forms)
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            if isinstance(value, list | tuple):
                data[form.add_prefix(name)] = [str(item) for item in value]
            else:
                data[form.add_prefix(name)] = str(value)
    return data


def _last_change(model: type[Person] | type[Supporter], pk: int) -> AuditEntry:
    entry = (
        AuditEntry.objects.filter(model=model._meta.label_lower, action="change", object_ids=[pk])
        .order_by("-pk")
        .first()
    )
    assert entry is not None
    return entry


@pytest.mark.parametrize("model", [Person, Supporter], ids=lambda m: m.__name__)
def test_it_shows_how_the_home_was_placed_beside_the_map(officer_client, area, model):
    make = make_person if model is Person else make_supporter
    placed = make(neighbourhood=area, placed=Placed.TOWN)
    url = reverse(f"admin:registry_{model._meta.model_name}_change", args=[placed.pk])

    html = officer_client.get(url).content.decode()

    assert "住所から（町丁目の代表点・おおよそ）" in html
    assert "地図の編集ボタン（鉛筆）を押してマーカーを自宅までドラッグし" in html
    # In words beside the map, never as a choice to pick.
    assert html.index('id="id_location-map"') < html.index("住所から（町丁目の代表点・おおよそ）")
    assert 'name="placed"' not in html


@pytest.mark.parametrize("model", [Person, Supporter], ids=lambda m: m.__name__)
def test_it_places_the_home_by_hand_when_the_marker_is_dragged(officer_client, area, model):
    make = make_person if model is Person else make_supporter
    placed = make(neighbourhood=area, placed=Placed.TOWN)
    url = reverse(f"admin:registry_{model._meta.model_name}_change", args=[placed.pk])
    data = _form_data(officer_client, url)

    response = officer_client.post(url, {**data, "location": MOVED})

    assert response.status_code == 302, response.context["adminform"].form.errors
    placed.refresh_from_db()
    assert placed.placed == Placed.HAND
    assert (round(placed.location.x, 4), round(placed.location.y, 4)) == (139.3215, 35.3612)
    entry = _last_change(model, placed.pk)
    assert {"location", "placed"} <= set(entry.detail["changed"])
    # Names of fields only: neither the new point nor the placement's key.
    assert "139.3215" not in str(entry.detail) and "hand" not in str(entry.detail)


def test_a_save_without_moving_the_marker_leaves_the_placement_alone(officer_client, area):
    placed = make_person(neighbourhood=area, placed=Placed.TOWN)
    url = reverse("admin:registry_person_change", args=[placed.pk])
    data = _form_data(officer_client, url)

    response = officer_client.post(url, {**data, "phone": "0463-99-0000"})

    assert response.status_code == 302, response.context["adminform"].form.errors
    placed.refresh_from_db()
    assert (placed.placed, placed.phone) == (Placed.TOWN, "0463-99-0000")
    changed = set(_last_change(Person, placed.pk).detail["changed"])
    assert "phone" in changed and not changed & {"location", "placed"}
