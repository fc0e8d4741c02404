"""POST /generations with `cameo_ids`: the API's side of the Create page's cameo picker. Picks and
@mentions merge without duplicates, at most two; consent and the owner's restrictions are
checked by the same service; a refusal is a 4xx JSON error and stores nothing."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from django.test import Client

from accounts.models import Notification
from cameos.models import Cameo, CameoAppearance
from sora_site.api.models import IdempotencyKey
from tests.api.conftest import client_for
from tests.cameos.factories import CameoFactory, GrantFactory
from tests.factories import UserFactory
from videos.models import GenerationJob, Video

pytestmark = pytest.mark.django_db

PROMPT = "waves hello on a sunny beach"


def _create(api: Any, key: str | None = None, **body: Any) -> Any:
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return api.post(
        "/api/v1/generations",
        {"prompt": PROMPT, "duration": 5, "resolution": 480, **body},
        content_type="application/json",
        **headers,
    )


def _video_of(response: Any) -> Video:
    assert response.status_code == 201, response.content
    return Video.objects.get(public_id=response.json()["video_id"])


def _nothing_stored() -> bool:
    return not (
        Video.objects.exists()
        or GenerationJob.objects.exists()
        or CameoAppearance.objects.exists()
        or IdempotencyKey.objects.exists()
    )


def test_a_picked_cameo_goes_into_the_draft_and_the_owners_ledger(api_broker: Any) -> None:
    me = UserFactory(handle="maker")
    star = CameoFactory(permission=Cameo.Permission.EVERYONE, display_name="Star")
    video = _video_of(_create(client_for(me, ["generate"]), cameo_ids=[star.pk]))
    assert video.owner == me and video.cameo_ids == [star.pk]
    assert CameoAppearance.objects.filter(cameo=star, video_id=video.pk).exists()
    told = Notification.objects.get(recipient=star.owner, kind="cameo_used")
    assert "@maker" in told.text and "Star" in told.text
    ledger = client_for(star.owner, ["cameos:read"]).get("/api/v1/cameos/appearances").json()
    assert [row["video_id"] for row in ledger["results"]] == [video.public_id]


def test_a_cameo_i_was_approved_for_can_be_picked(api_broker: Any) -> None:
    me = UserFactory()
    friend = CameoFactory(permission=Cameo.Permission.APPROVED)
    GrantFactory(cameo=friend, user=me)
    assert _video_of(_create(client_for(me), cameo_ids=[friend.pk])).cameo_ids == [friend.pk]


def test_picks_and_mentions_merge_without_duplicates(api_broker: Any) -> None:
    star = CameoFactory(owner=UserFactory(handle="stella"), permission="everyone")
    friend = CameoFactory(owner=UserFactory(handle="fred"), permission="everyone")
    api = client_for(UserFactory())
    twice = _create(api, prompt="@stella and @fred dance in the rain", cameo_ids=[star.pk, star.pk])
    assert _video_of(twice).cameo_ids == [star.pk, friend.pk]
    # The pick comes first, then the mentioned owner's person cameo.
    merged = _create(api, prompt="@stella juggles on a beach", cameo_ids=[friend.pk])
    assert _video_of(merged).cameo_ids == [friend.pk, star.pk]


@pytest.mark.parametrize(
    ("picks", "mention"),
    [(3, False), (2, True)],
    ids=["three picks", "two picks and a mention"],
)
def test_more_than_two_cameos_in_all_are_refused(
    api_broker: Any, picks: int, mention: bool
) -> None:
    ids = [CameoFactory(permission="everyone").pk for _ in range(picks)]
    CameoFactory(owner=UserFactory(handle="third"), permission="everyone")
    prompt = "@third juggles on a beach" if mention else PROMPT
    response = _create(client_for(UserFactory()), "key-many", prompt=prompt, cameo_ids=ids)
    assert response.status_code == 400
    assert response.json()["code"] == "too_many_cameos"
    assert "at most 2 cameos" in response.json()["detail"]
    assert _nothing_stored()


def test_a_cameo_i_may_not_use_is_a_403_with_the_reason(api_broker: Any) -> None:
    private = CameoFactory(permission=Cameo.Permission.ONLY_ME, display_name="Pat")
    asked = CameoFactory(permission=Cameo.Permission.APPROVED, display_name="Ash")
    api = client_for(UserFactory())
    for cameo, code in ((private, "cameo_only_me"), (asked, "cameo_not_approved")):
        response = _create(api, "key-forbidden", cameo_ids=[cameo.pk])
        assert response.status_code == 403, response.content
        assert response.json()["code"] == code
        assert cameo.display_name in response.json()["detail"]
    assert _nothing_stored()


def test_a_blocked_person_cannot_pick_the_cameo(api_broker: Any) -> None:
    from accounts.social import block_create

    me = UserFactory()
    star = CameoFactory(permission="everyone")
    block_create(blocker=star.owner, blocked=me)
    response = _create(client_for(me), cameo_ids=[star.pk])
    assert response.status_code == 403 and response.json()["code"] == "cameo_blocked"
    assert _nothing_stored()


def test_the_owners_restrictions_hold_for_picks(api_broker: Any) -> None:
    star = CameoFactory(permission="everyone", restrictions="No political content.")
    response = _create(
        client_for(UserFactory()), prompt="a senator's campaign speech", cameo_ids=[star.pk]
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "cameo_restricted" and '"No political content"' in body["detail"]
    assert _nothing_stored()


def test_an_unknown_cameo_is_a_400(api_broker: Any) -> None:
    response = _create(client_for(UserFactory()), cameo_ids=[987654])
    assert response.status_code == 400
    assert response.json()["code"] == "no_cameo"
    assert _nothing_stored()


@pytest.mark.parametrize(
    "bad",
    [["abc"], [0], [-1], [2**63], [None], "1", {"id": 1}, list(range(1, 12))],
    ids=["word", "zero", "negative", "too big", "null", "not a list", "object", "eleven ids"],
)
def test_malformed_cameo_ids_are_field_errors(api_broker: Any, bad: Any) -> None:
    response = _create(client_for(UserFactory()), cameo_ids=bad)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid" and "cameo_ids" in body["errors"]
    assert _nothing_stored()


def test_idempotency_keys_cover_the_picked_cameos(api_broker: Any) -> None:
    one, two = CameoFactory(permission="everyone"), CameoFactory(permission="everyone")
    me = UserFactory()
    api = client_for(me)
    first = _create(api, "key-cameo", cameo_ids=[one.pk])
    assert first.status_code == 201
    replay = _create(api, "key-cameo", cameo_ids=[one.pk])
    assert replay.status_code == 201 and replay["Idempotent-Replayed"] == "true"
    assert replay.json()["id"] == first.json()["id"]
    other = _create(api, "key-cameo", cameo_ids=[two.pk])
    assert other.status_code == 409 and other.json()["code"] == "idempotency_key_reused"
    # No picks and an empty list are the same request.
    plain = _create(api, "key-plain")
    assert _create(api, "key-plain", cameo_ids=[])["Idempotent-Replayed"] == "true"
    assert Video.objects.filter(owner=me).count() == 2
    assert _video_of(plain).cameo_ids == []


def test_the_schema_documents_cameo_ids(client: Client) -> None:
    schema = yaml.safe_load(client.get("/api/schema/").content)
    request = schema["components"]["schemas"]["GenerationCreateRequest"]
    field = request["properties"]["cameo_ids"]
    assert field["type"] == "array" and field["items"]["type"] == "integer"
    assert "cameo_ids" not in request.get("required", [])
    assert "at most 2" in field["description"].lower()
    operation = schema["paths"]["/api/v1/generations"]["post"]
    assert "cameo_ids" in operation["description"]
