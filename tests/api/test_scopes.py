"""Every endpoint names its scope, and a token without it is refused with 403
`insufficient_scope` before anything happens."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from cameos import services as cameo_services
from feed.models import Comment
from sora_site.api.permissions import required_scope_for
from sora_site.api.scopes import ALL_SCOPES
from tests.api.builders import video_in
from tests.api.conftest import client_for
from tests.factories import UserFactory
from videos.models import GenerationJob, VerifyCheck, Video

pytestmark = pytest.mark.django_db

# (method, path template, scope). {video}, {draft}, {job}, {comment}, {handle}, {hook},
# {cameo}, {grant}, {appearance} are filled from the fixture world.
MATRIX = [
    ("GET", "/api/v1/me", "profile:read"),
    ("GET", "/api/v1/users/{handle}", "profile:read"),
    ("GET", "/api/v1/users/{handle}/videos", "videos:read"),
    ("POST", "/api/v1/users/{handle}/follow", "social:write"),
    ("DELETE", "/api/v1/users/{handle}/follow", "social:write"),
    ("GET", "/api/v1/videos", "videos:read"),
    ("GET", "/api/v1/videos/{video}", "videos:read"),
    ("PATCH", "/api/v1/videos/{draft}", "videos:write"),
    ("DELETE", "/api/v1/videos/{draft}", "videos:write"),
    ("POST", "/api/v1/videos/{draft}/publish", "videos:write"),
    ("POST", "/api/v1/videos/{mine}/unpublish", "videos:write"),
    ("POST", "/api/v1/videos/{video}/like", "social:write"),
    ("DELETE", "/api/v1/videos/{video}/like", "social:write"),
    ("POST", "/api/v1/videos/{video}/view", "feed:read"),
    ("POST", "/api/v1/videos/{video}/remix", "generate"),
    ("GET", "/api/v1/videos/{video}/lineage", "videos:read"),
    ("GET", "/api/v1/videos/{video}/comments", "feed:read"),
    ("POST", "/api/v1/videos/{video}/comments", "social:write"),
    ("DELETE", "/api/v1/comments/{comment}", "social:write"),
    ("GET", "/api/v1/generations", "generate"),
    ("POST", "/api/v1/generations", "generate"),
    ("GET", "/api/v1/generations/{job}", "generate"),
    ("POST", "/api/v1/generations/{job}/cancel", "generate"),
    ("POST", "/api/v1/generations/{job}/retry", "generate"),
    ("GET", "/api/v1/feed", "feed:read"),
    ("GET", "/api/v1/cameos", "cameos:read"),
    ("GET", "/api/v1/cameos/appearances", "cameos:read"),
    ("DELETE", "/api/v1/cameos/appearances/{appearance}", "cameos:write"),
    ("GET", "/api/v1/cameos/available", "cameos:read"),
    ("POST", "/api/v1/cameos/{cameo}/request-access", "cameos:write"),
    ("GET", "/api/v1/cameos/{cameo}", "cameos:read"),
    ("PATCH", "/api/v1/cameos/{cameo}", "cameos:write"),
    ("GET", "/api/v1/cameos/{cameo}/requests", "cameos:read"),
    ("POST", "/api/v1/cameos/{cameo}/requests/{grant}/approve", "cameos:write"),
    ("POST", "/api/v1/cameos/{cameo}/requests/{grant}/deny", "cameos:write"),
    ("POST", "/api/v1/cameos/{cameo}/requests/{grant}/revoke", "cameos:write"),
    ("POST", "/api/v1/reports", "social:write"),
    ("POST", "/api/v1/verify", "videos:read"),
    ("GET", "/api/v1/verify/{check}", "videos:read"),
    ("GET", "/api/v1/webhooks", "profile:read"),
    ("POST", "/api/v1/webhooks", "profile:read"),
    ("GET", "/api/v1/webhooks/{hook}", "profile:read"),
    ("DELETE", "/api/v1/webhooks/{hook}", "profile:read"),
    ("GET", "/api/v1/webhooks/{hook}/deliveries", "profile:read"),
]


@pytest.fixture
def world() -> dict[str, Any]:
    me = UserFactory()
    other = UserFactory()
    video = video_in(other, Video.Status.PUBLISHED)
    mine = video_in(me, Video.Status.PUBLISHED)
    draft = video_in(me, Video.Status.DRAFT_READY)
    running = video_in(me, Video.Status.DRAFT_GENERATING)
    comment = Comment.objects.create(video=mine, author=me, text="nice")
    from sora_site.api.models import WebhookEndpoint

    hook = WebhookEndpoint.objects.create(
        user=me, url="https://hooks.example.com/x", events=["generation.succeeded"]
    )
    job = GenerationJob.objects.get(video=running)
    from tests.cameos.factories import CameoFactory, GrantFactory

    cameo = CameoFactory(owner=me)
    grant = GrantFactory(cameo=cameo, status="requested")
    # Someone else's draft with my cameo in it: mine to delete from the ledger.
    appearance = video_in(other, Video.Status.DRAFT_READY, files=False)
    cameo_services.appearance_record(
        cameo=cameo, video_pk=appearance.pk, video_public_id=appearance.public_id, video_owner=other
    )
    return {
        "me": me,
        "ids": {
            "handle": other.handle,
            "video": video.public_id,
            "mine": mine.public_id,
            "draft": draft.public_id,
            "job": job.public_id,
            "comment": comment.pk,
            "hook": hook.pk,
            "cameo": cameo.pk,
            "grant": grant.pk,
            "appearance": appearance.public_id,
            "check": VerifyCheck.objects.create().id,
        },
    }


def _call(api: Any, method: str, path: str) -> Any:
    body = {
        "prompt": "a cat",
        "text": "hi",
        "caption": "",
        "url": "https://x.example/",
        "allow_remix": True,
    }
    return getattr(api, method.lower())(path, body, content_type="application/json")


@pytest.mark.parametrize(("method", "template", "scope"), MATRIX)
def test_endpoint_refused_without_its_scope(
    world: dict[str, Any], method: str, template: str, scope: str
) -> None:
    path = template.format(**world["ids"])
    without = client_for(world["me"], sorted(ALL_SCOPES - {scope}))
    response = _call(without, method, path)
    assert response.status_code == 403, response.content
    assert response.json()["code"] == "insufficient_scope"
    assert scope in response.json()["detail"]

    with_only = client_for(world["me"], [scope])
    allowed = _call(with_only, method, path)
    # The one scope gets past the scope check; whatever the endpoint answers then, it is no 500.
    assert allowed.status_code < 500, allowed.content
    assert allowed.status_code == 204 or allowed["Content-Type"].startswith("application/json")
    assert allowed.status_code != 403 or allowed.json()["code"] != "insufficient_scope"


def _api_views() -> set[tuple[str, str]]:
    """(method, route) of every API v1 view, found from the URLconf."""
    found: set[tuple[str, str]] = set()

    def walk(patterns: list[Any], prefix: str) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                route = prefix + str(entry.pattern)
                view = getattr(entry.callback, "view_class", None)
                if route.startswith("api/v1/") and view is not None:
                    for method in ("get", "post", "put", "patch", "delete"):
                        if hasattr(view, method):
                            found.add((method.upper(), route))
                            assert required_scope_for(view, method.upper()), (method, route)

    walk(get_resolver().url_patterns, "")
    return found


def _shape(path: str) -> str:
    """A route or path template with its parameters blanked: `api/v1/videos/{}`."""
    return re.sub(r"<[^>]+>|\{[^}]+\}", "{}", path.lstrip("/"))


def test_the_matrix_covers_every_endpoint() -> None:
    views = {(method, _shape(route)) for method, route in _api_views()}
    listed = [(method, _shape(template)) for method, template, _ in MATRIX]
    assert len(listed) == len(set(listed))
    assert views == set(listed)
