"""The feed's JSON actions refuse deeply nested bodies with a 400 (json.loads used to recurse
into RecursionError, a 500), and nothing is stored."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.social import Block, Follow
from feed.models import Comment, Like, ViewEvent
from tests.factories import UserFactory
from tests.feed.factories import PublishedVideoFactory

pytestmark = pytest.mark.django_db

DEEP = "[" * 20_000 + "]" * 20_000


@pytest.mark.parametrize("action", ["like", "view", "comments", "follow", "block"])
def test_deeply_nested_json_is_a_400(action: str) -> None:
    video = PublishedVideoFactory()
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory())
    url = (
        f"/feed/u/{video.owner.handle}/{action}"
        if action in ("follow", "block")
        else f"/feed/v/{video.public_id}/{action}"
    )
    response = client.post(url, DEEP, content_type="application/json")
    assert response.status_code == 400, response.content[:200]
    assert response.json()["code"] == "invalid_json"
    assert not (Like.objects.exists() or ViewEvent.objects.exists() or Comment.objects.exists())
    assert not (Follow.objects.exists() or Block.objects.exists())
