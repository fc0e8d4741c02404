"""The /v1/ Videos API driven by the official `openai` package against a live server, with the
in-process worker and the real engine (short, small clips)."""

from __future__ import annotations

import io
import urllib.request
from collections.abc import Iterator
from typing import Any

import av
import dramatiq
import openai
import pytest
from openai import OpenAI
from PIL import Image

from sora_site.api.services import pat_create
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.filterwarnings("ignore")]

SMALL = "480x854"  # the engine's 480p portrait: the fastest size it makes


@pytest.fixture
def worker(api_broker: Any) -> Iterator[dramatiq.Worker]:
    running = dramatiq.Worker(api_broker, worker_threads=1)
    running.start()
    yield running
    running.stop()


def _client(live_server: Any, token: str, **options: Any) -> OpenAI:
    return OpenAI(base_url=f"{live_server.url}/v1", api_key=token, max_retries=0, **options)


@pytest.fixture
def person() -> Any:
    return UserFactory()


@pytest.fixture
def client(live_server: Any, person: Any) -> OpenAI:
    _, token = pat_create(
        user=person,
        name="sdk",
        scopes=["videos:read", "videos:write", "generate", "cameos:read", "cameos:write"],
    )
    return _client(live_server, token)


def test_create_and_poll_then_download_every_variant(client: OpenAI, worker: Any) -> None:
    video = client.videos.create_and_poll(
        prompt="a red ball bounces on a beach", seconds="4", size=SMALL, model="sora-2"
    )
    assert video.status == "completed", video.error
    assert (video.object, video.progress, video.model) == ("video", 100, "sora-2")
    assert (video.seconds, video.size) == ("5", SMALL)
    assert video.completed_at is not None and video.completed_at >= video.created_at

    mp4 = client.videos.download_content(video.id).read()
    with av.open(io.BytesIO(mp4)) as container:
        stream = container.streams.video[0]
        assert (stream.codec_context.width, stream.codec_context.height) == (480, 854)
        assert container.duration is not None
        assert 4.8 <= container.duration / av.time_base <= 5.3
    # The video is served with Range, as media players (and resumable downloads) ask for it.
    ranged = urllib.request.Request(
        f"{client.base_url}videos/{video.id}/content",
        headers={"Authorization": f"Bearer {client.api_key}", "Range": "bytes=0-99"},
    )
    with urllib.request.urlopen(ranged, timeout=30) as part:
        assert part.status == 206 and part.read() == mp4[:100]
    thumb = Image.open(
        io.BytesIO(client.videos.download_content(video.id, variant="thumbnail").read())
    )
    assert thumb.format == "JPEG" and thumb.size[0] > 0
    sheet = Image.open(
        io.BytesIO(client.videos.download_content(video.id, variant="spritesheet").read())
    )
    assert sheet.format == "JPEG"
    assert sheet.size[0] > thumb.size[0] // 2 and sheet.size[1] > sheet.size[0]  # 4x4 tall tiles


def test_errors_are_the_sdks_exception_classes(
    live_server: Any, client: OpenAI, person: Any
) -> None:
    with pytest.raises(openai.BadRequestError) as bad:
        client.videos.create(prompt="a cat", model="sora-9")
    assert bad.value.body["param"] == "model" and bad.value.body["type"] == "invalid_request_error"
    with pytest.raises(openai.BadRequestError):
        client.videos.create(prompt="a cat", seconds="7")  # type: ignore[arg-type]
    with pytest.raises(openai.BadRequestError) as bad:
        client.videos.create(prompt="a cat", input_reference=("ref.png", b"\x89PNG", "image/png"))
    assert bad.value.body["param"] == "input_reference"
    with pytest.raises(openai.BadRequestError) as bad:
        # This SDK version only sends `video` as a file upload.
        client.videos.extend(prompt="more", seconds="4", video=("v.mp4", b"\0", "video/mp4"))
    assert "not supported by this instance yet" in bad.value.message
    with pytest.raises(openai.BadRequestError) as refused:
        client.videos.create(prompt="Donald Trump dancing", size=SMALL)
    assert refused.value.body["code"] == "moderation_blocked"
    assert refused.value.body["param"] == "prompt" and "public figures" in refused.value.message
    with pytest.raises(openai.AuthenticationError):
        _client(live_server, "fcp_nope_nope").videos.list()
    _, read_only = pat_create(user=person, name="ro", scopes=["videos:read"])
    with pytest.raises(openai.PermissionDeniedError):
        _client(live_server, read_only).videos.create(prompt="a cat")
    with pytest.raises(openai.NotFoundError):
        client.videos.retrieve("doesnotexist")


def test_list_remix_edit_characters_delete(client: OpenAI, worker: Any, settings: Any) -> None:
    settings.GENERATION_MAX_ACTIVE = 10
    first = client.videos.create_and_poll(prompt="a blue box falls in a kitchen", size=SMALL)
    second = client.videos.create(prompt="a green ball rolls down a city street", size=SMALL)
    page = client.videos.list(limit=1)
    assert [v.id for v in page.data] == [second.id] and page.has_more
    assert [v.id for v in client.videos.list(limit=1, order="asc").data] == [first.id]
    assert [v.id for v in client.videos.list(limit=10)] == [second.id, first.id]  # auto-paging
    assert [v.id for v in client.videos.list(limit=1, after=second.id).data] == [first.id]

    remix = client.videos.remix(first.id, prompt="make it claymation")
    assert remix.remixed_from_video_id == first.id and remix.prompt == "make it claymation"
    # The SDK's edit() sends only file uploads; an id reference goes in the JSON body.
    edit = client.post(
        "/videos/edits",
        body={"prompt": "make it night", "video": {"id": first.id}},
        cast_to=openai.types.Video,
    )
    assert edit.remixed_from_video_id == first.id
    with pytest.raises(openai.BadRequestError):
        client.videos.edit(prompt="x", video=("v.mp4", b"\0", "video/mp4"))

    clip = client.videos.download_content(first.id).read()
    character = client.videos.create_character(name="Boxy", video=("boxy.mp4", clip, "video/mp4"))
    assert character.name == "Boxy" and character.id
    fetched = client.videos.get_character(character.id)
    assert (fetched.id, fetched.name) == (character.id, "Boxy")
    with pytest.raises(openai.NotFoundError):
        client.videos.get_character("char_999999")

    deleted = client.videos.delete(first.id)
    assert (deleted.id, deleted.deleted, deleted.object) == (first.id, True, "video.deleted")
    with pytest.raises(openai.NotFoundError):
        client.videos.retrieve(first.id)


def test_quota_is_a_rate_limit_error_with_retry_after(client: OpenAI, settings: Any) -> None:
    settings.GENERATION_DAILY_QUOTA = 0
    with pytest.raises(openai.RateLimitError) as limited:
        client.videos.create(prompt="a cat jumps", size=SMALL)
    assert limited.value.response.headers["Retry-After"]
    assert limited.value.body["type"] == "rate_limit_error"
