"""Remix and lineage through the API follow the same rules as the pages."""

from __future__ import annotations

import pytest

from tests.api.conftest import client_for
from tests.factories import UserFactory
from tests.videos.factories import VideoFactory
from videos.models import Video

pytestmark = pytest.mark.django_db
PLAN = {
    "prompt": "a cat",
    "seed": 0,
    "setting": "studio",
    "time_of_day": "day",
    "weather": "clear",
    "style": "cinematic",
    "camera": "static",
    "subjects": [],
}


def test_remix_then_lineage(api_broker: object) -> None:
    parent = VideoFactory(status=Video.Status.PUBLISHED, plan=PLAN)
    api = client_for(UserFactory(), ["generate", "videos:read"])
    response = api.post(
        f"/api/v1/videos/{parent.public_id}/remix",
        {"edit": "make it claymation"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    child = Video.objects.get(public_id=response.json()["video_id"])
    assert child.parent_id == parent.pk and child.remix_edit == "make it claymation"
    tree = api.get(f"/api/v1/videos/{parent.public_id}/lineage").json()
    assert tree["descendant_count"] == 1 and tree["direct_remix_count"] == 1
    assert tree["descendants"][0]["id"] == child.public_id  # the remixer sees their draft
    other = client_for(UserFactory(), ["videos:read"])
    tree = other.get(f"/api/v1/videos/{parent.public_id}/lineage").json()
    assert tree["descendants"] == [
        {"depth": 1, "available": False, "id": None, "owner": None, "caption": None}
    ]  # someone else's draft: present, but nothing about it shows


def test_remix_disabled_and_bad_input_are_json_4xx(api_broker: object) -> None:
    api = client_for(UserFactory(), ["generate"])
    closed = VideoFactory(status=Video.Status.PUBLISHED, plan=PLAN, allow_remix=False)
    response = api.post(
        f"/api/v1/videos/{closed.public_id}/remix",
        {"edit": "anime"},
        content_type="application/json",
    )
    assert response.status_code == 403 and response.json()["code"] == "remix_disabled"
    response = api.post(
        f"/api/v1/videos/{closed.public_id}/remix", {}, content_type="application/json"
    )
    assert response.status_code == 400
    response = api.post(
        "/api/v1/videos/nope/remix", {"edit": "anime"}, content_type="application/json"
    )
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert Video.objects.count() == 1
