"""POST /generations with an Idempotency-Key: a retry returns the same job, never a second."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from sora_site.api.models import IdempotencyKey
from tests.api.conftest import client_for
from tests.factories import UserFactory
from videos.models import GenerationJob, Video

pytestmark = pytest.mark.django_db

BODY = {"prompt": "a red kite loops over a beach", "duration": 5, "resolution": 480}


def _post(api: Any, body: dict[str, Any], key: str | None) -> Any:
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return api.post("/api/v1/generations", body, content_type="application/json", **headers)


def test_same_key_same_body_returns_the_same_job(
    api_broker: Any, django_capture_on_commit_callbacks: Any
) -> None:
    person = UserFactory()
    api = client_for(person, ["generate"])
    with django_capture_on_commit_callbacks(execute=True):
        first = _post(api, BODY, "key-1")
    assert first.status_code == 201, first.content
    with django_capture_on_commit_callbacks(execute=True):
        second = _post(api, BODY, "key-1")
    assert second.status_code == 201
    assert second["Idempotent-Replayed"] == "true"
    assert second.json()["id"] == first.json()["id"]
    assert GenerationJob.objects.filter(owner=person).count() == 1
    assert Video.objects.filter(owner=person).count() == 1
    assert len(api_broker.queues["generation-cpu"].queue) == 1

    status = api.get(f"/api/v1/generations/{first.json()['id']}")
    assert status.status_code == 200
    assert status.json()["status"] == "queued"
    assert set(status.json()) >= {"stage", "progress", "error_code", "error_message"}


def test_same_key_different_body_is_a_conflict(api_broker: Any) -> None:
    person = UserFactory()
    api = client_for(person, ["generate"])
    assert _post(api, BODY, "key-2").status_code == 201
    response = _post(api, {**BODY, "prompt": "something else entirely"}, "key-2")
    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_key_reused"
    assert GenerationJob.objects.filter(owner=person).count() == 1


def test_keys_are_per_person_and_expire(api_broker: Any) -> None:
    alice, bob = UserFactory(), UserFactory()
    a = _post(client_for(alice, ["generate"]), BODY, "shared").json()
    b = _post(client_for(bob, ["generate"]), BODY, "shared").json()
    assert a["id"] != b["id"]
    IdempotencyKey.objects.filter(user=alice).update(
        created_at=timezone.now() - dt.timedelta(hours=25)
    )
    again = _post(client_for(alice, ["generate"]), BODY, "shared")
    assert again.status_code == 201
    assert again.json()["id"] != a["id"]


def test_without_a_key_each_post_is_a_new_job(api_broker: Any) -> None:
    person = UserFactory()
    api = client_for(person, ["generate"])
    assert _post(api, BODY, None).status_code == 201
    assert _post(api, BODY, None).status_code == 201
    assert GenerationJob.objects.filter(owner=person).count() == 2


def test_a_refused_request_keeps_no_key(api_broker: Any, settings: Any) -> None:
    settings.GENERATION_DAILY_QUOTA = 0
    person = UserFactory()
    api = client_for(person, ["generate"])
    refused = _post(api, BODY, "key-3")
    assert refused.status_code == 429
    assert refused.json()["code"] == "daily_quota"
    assert not IdempotencyKey.objects.filter(user=person).exists()
    settings.GENERATION_DAILY_QUOTA = 5
    assert _post(api, BODY, "key-3").status_code == 201
