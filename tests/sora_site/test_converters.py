"""Path segments that name public ids and handles admit only their alphabet: a NUL (which
PostgreSQL refuses: a 500 there) or any other stranger is a 404 from the resolver itself."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from tests.factories import UserFactory
from tests.feed.factories import PublishedVideoFactory
from videos.models import new_public_id

pytestmark = pytest.mark.django_db

# As the resolver sees them: already percent-decoded.
STRANGERS = ["\x00", "a\x00b", "é", "x" * 17, "a.b", "a b"]


@pytest.mark.parametrize(
    "template",
    [
        "/v/{}/",
        "/media/v/{}/video",
        "/drafts/{}/card",
        "/feed/v/{}/like",
        "/cameo/appearances/{}/delete/",
        "/api/v1/videos/{}",
        "/api/v1/generations/{}",
        "/api/v1/cameos/appearances/{}",
    ],
)
@pytest.mark.parametrize("segment", STRANGERS)
def test_public_id_routes_refuse_strangers(template: str, segment: str) -> None:
    path = template.format(segment)
    if path.startswith("/api/"):
        assert resolve(path).url_name == "not_found"  # the API's JSON 404
    else:
        with pytest.raises(Resolver404):
            resolve(path)


@pytest.mark.parametrize(
    "template", ["/@{}", "/feed/u/{}/follow", "/api/v1/users/{}", "/api/v1/users/{}/videos"]
)
@pytest.mark.parametrize("segment", ["\x00", "al\x00ce", "é", "x" * 31, "a-b"])
def test_handle_routes_refuse_strangers(template: str, segment: str) -> None:
    path = template.format(segment)
    if path.startswith("/api/"):
        assert resolve(path).url_name == "not_found"
    else:
        with pytest.raises(Resolver404):
            resolve(path)


@pytest.mark.parametrize(
    "path",
    ["/report/video/\x00/", "/report/vid\x00eo/abc/", "/cameo/1/grants/1/appr\x00ve/"],
)
def test_other_text_segments_refuse_nul(path: str) -> None:
    with pytest.raises(Resolver404):
        resolve(path)


def test_the_ids_and_handles_the_site_makes_still_resolve() -> None:
    for _ in range(200):  # token_urlsafe draws "-" and "_" too
        public_id = new_public_id()
        assert resolve(f"/v/{public_id}/").kwargs == {"public_id": public_id}
    assert resolve("/@a_b.c9/").kwargs == {"handle": "a_b.c9"}
    assert resolve("/report/account/@a_b.c9/").kwargs["object_id"] == "@a_b.c9"
    assert resolve("/report/comment/12/").kwargs["object_id"] == "12"
    assert reverse("videos:video", args=["Ab-_9"]) == "/v/Ab-_9/"


def test_nul_segments_answer_404_pages(client: Any) -> None:
    video = PublishedVideoFactory()
    person = UserFactory()
    client.force_login(person)
    assert client.get(f"/v/{video.public_id}/").status_code == 200
    for path in ("/v/%00/", "/media/v/%00/video", "/feed/u/%00/follow", "/@%00"):
        assert client.get(path).status_code == 404, path
    response = Client().get("/api/v1/videos/%00")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
