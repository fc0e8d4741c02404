"""The cameo picker on Create: the cameos I may use as labelled checkboxes (no JS needed), picks
and @mentions merged without duplicates, at most two, consent checked by the service."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cameos.models import Cameo, CameoAppearance
from tests.cameos.factories import CameoFactory, GrantFactory
from tests.factories import UserFactory
from videos.models import GenerationJob, Video

pytestmark = pytest.mark.django_db

CREATE = "/create/"


def _form(**fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "prompt": "a person waves on a sunny beach",
        "duration": 5,
        "aspect": "9:16",
        "resolution": 480,
        "style": "auto",
        "camera": "auto",
        "seed": "",
    }
    data.update(fields)
    return data


def _logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _nothing_stored() -> bool:
    return not (
        Video.objects.exists() or GenerationJob.objects.exists() or CameoAppearance.objects.exists()
    )


def _picker(html: str) -> str:
    match = re.search(r'<fieldset class="field cameo-picker".*?</fieldset>', html, re.S)
    assert match, "the picker is on the page"
    return match.group(0)


def test_picker_lists_the_cameos_i_may_use_as_labelled_checkboxes() -> None:
    me = UserFactory()
    mine = CameoFactory(owner=me, display_name="Me myself")
    open_one = CameoFactory(owner=UserFactory(handle="openstar"), permission="everyone")
    granted = CameoFactory(owner=UserFactory(handle="friend"), permission="approved")
    GrantFactory(cameo=granted, user=me)
    hidden = CameoFactory(owner=UserFactory(handle="private"), permission="only_me")
    picker = _picker(_logged_in(me).get(CREATE).content.decode())
    for cameo in (mine, open_one, granted):
        box = re.search(
            rf'<label for="(id_cameos_\d+)"><input type="checkbox" name="cameos" '
            rf'value="{cameo.pk}" id="\1"',
            picker,
        )
        assert box, f"{cameo.display_name} has a checkbox inside its label"
    assert "Me myself (yours)" in picker and "(@openstar)" in picker and "(@friend)" in picker
    assert f'value="{hidden.pk}"' not in picker and "@private" not in picker
    assert "<legend>Cameos</legend>" in picker
    assert "style=" not in picker and "<script" not in picker  # CSP: nothing inline


def test_picker_without_cameos_says_how_to_get_one() -> None:
    picker = _picker(_logged_in(UserFactory()).get(CREATE).content.decode())
    assert 'type="checkbox"' not in picker
    assert reverse("cameos:verify") in picker


def test_picker_costs_one_query_however_many_cameos() -> None:
    me = UserFactory()
    client = _logged_in(me)
    client.get(CREATE)
    with CaptureQueriesContext(connection) as few:
        client.get(CREATE)
    for _ in range(6):
        CameoFactory(permission="everyone")
    with CaptureQueriesContext(connection) as many:
        html = client.get(CREATE).content.decode()
    assert _picker(html).count('type="checkbox"') == 6
    assert len(many) == len(few)


def test_a_pick_makes_a_draft_with_the_cameo(stub_broker: Any) -> None:
    me = UserFactory()
    star = CameoFactory(permission="everyone")
    response = _logged_in(me).post(CREATE, _form(cameos=[star.pk]))
    assert response.status_code == 302
    video = Video.objects.get()
    assert video.owner == me and video.cameo_ids == [star.pk]
    assert CameoAppearance.objects.filter(cameo=star, video_id=video.pk).exists()


def test_pick_and_mention_of_the_same_cameo_count_once(stub_broker: Any) -> None:
    star = CameoFactory(owner=UserFactory(handle="stella"), permission="everyone")
    friend = CameoFactory(owner=UserFactory(handle="fred"), permission="everyone")
    response = _logged_in(UserFactory()).post(
        CREATE,
        _form(prompt="@stella and @fred dance in the rain", cameos=[star.pk, star.pk]),
    )
    assert response.status_code == 302, response.content.decode()
    assert Video.objects.get().cameo_ids == [star.pk, friend.pk]


def test_more_than_two_with_mentions_is_refused_by_the_picker(stub_broker: Any) -> None:
    one, two = CameoFactory(permission="everyone"), CameoFactory(permission="everyone")
    CameoFactory(owner=UserFactory(handle="third"), permission="everyone")
    response = _logged_in(UserFactory()).post(
        CREATE, _form(prompt="@third juggles on a beach", cameos=[one.pk, two.pk])
    )
    assert response.status_code == 400
    assert "at most 2 cameos" in _picker(response.content.decode())
    assert _nothing_stored()


def test_more_than_two_picks_is_a_form_error(stub_broker: Any) -> None:
    picks = [CameoFactory(permission="everyone").pk for _ in range(3)]
    response = _logged_in(UserFactory()).post(CREATE, _form(cameos=picks))
    assert response.status_code == 400
    picker = _picker(response.content.decode())
    assert "Pick at most 2 cameos." in picker
    for pk in picks:  # the picks stay ticked for the next try
        assert re.search(rf'value="{pk}"[^>]* checked', picker)
    assert _nothing_stored()


def test_a_cameo_i_may_not_use_is_refused_with_the_reason(stub_broker: Any) -> None:
    private = CameoFactory(permission=Cameo.Permission.ONLY_ME, display_name="Pat")
    response = _logged_in(UserFactory()).post(CREATE, _form(cameos=[private.pk]))
    assert response.status_code == 403
    assert "Only its owner can use the cameo Pat." in response.content.decode()
    assert _nothing_stored()


@pytest.mark.parametrize("bad", ["abc", "-1", "1" * 40, "99999999"])
def test_bad_picks_are_clear_errors(stub_broker: Any, bad: str) -> None:
    response = _logged_in(UserFactory()).post(CREATE, _form(cameos=[bad]))
    assert response.status_code == 400
    picker = _picker(response.content.decode())
    assert 'class="errorlist"' in picker
    assert _nothing_stored()
