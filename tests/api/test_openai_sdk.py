"""The /v1/ Videos API driven by the official `openai` package against a live server, with the
in-process worker and the real engine (short, small clips)."""

from __future__ import annotations

import datetime as dt
import http.server
import io
import json
import os
import shutil
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import av
import dramatiq
import openai
import pytest
from django.utils import timezone
from openai import OpenAI
from PIL import Image

from sora_site.api.models import WebhookEndpoint
from sora_site.api.services import pat_create
from tests.factories import UserFactory
from videos.models import GenerationCharge

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


@pytest.fixture
def receiver(settings: Any) -> Iterator[tuple[list[tuple[dict[str, str], bytes]], str]]:
    """A local endpoint that records the webhook deliveries it gets."""
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = True
    received: list[tuple[dict[str, str], bytes]] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append(({k.lower(): v for k, v in self.headers.items()}, body))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield received, f"http://127.0.0.1:{server.server_address[1]}/sora-hooks"
    server.shutdown()
    server.server_close()


def test_create_and_poll_then_download_every_variant(
    client: OpenAI, worker: Any, person: Any, receiver: Any
) -> None:
    received, url = receiver
    hook = WebhookEndpoint.objects.create(
        user=person, url=url, events=["video.completed", "video.failed"]
    )
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

    # Sora's `video.completed` webhook, checked the way code written for Sora checks it.
    deadline = time.monotonic() + 30
    while not received and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(received) == 1
    headers, body = received[0]
    event = client.webhooks.unwrap(body, headers, secret=hook.secret)
    assert (event.type, event.data.id, event.object) == ("video.completed", video.id, "event")
    with pytest.raises(openai.InvalidWebhookSignatureError):
        client.webhooks.unwrap(
            body.replace(video.id.encode(), b"someone-else"), headers, secret=hook.secret
        )


def test_errors_are_the_sdks_exception_classes(
    live_server: Any, client: OpenAI, person: Any
) -> None:
    with pytest.raises(openai.BadRequestError) as bad:
        client.videos.create(prompt="a cat", model="sora-9")
    assert bad.value.body["param"] == "model" and bad.value.body["type"] == "invalid_request_error"
    with pytest.raises(openai.BadRequestError):
        client.videos.create(prompt="a cat", seconds="7")  # type: ignore[arg-type]
    with pytest.raises(openai.BadRequestError) as bad:  # empty is not "left out"
        client.videos.create(prompt="a cat", size="")  # type: ignore[arg-type]
    assert bad.value.body["param"] == "size"
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


def test_quota_is_a_rate_limit_error_with_retry_after(
    client: OpenAI, person: Any, settings: Any
) -> None:
    settings.GENERATION_DAILY_QUOTA = 1
    GenerationCharge.objects.create(
        user=person, kind="new", created_at=timezone.now() - dt.timedelta(hours=2)
    )
    with pytest.raises(openai.RateLimitError) as limited:
        client.videos.create(prompt="a cat jumps", size=SMALL)
    # The quota frees up when that charge is a day old: in 22 hours, not a generic minute.
    assert 22 * 3600 - 120 <= int(limited.value.response.headers["Retry-After"]) <= 22 * 3600 + 1
    assert limited.value.body["type"] == "rate_limit_error"


def test_an_oauth2_access_token_is_a_key_too(live_server: Any) -> None:
    """A third-party app that got its token through the OAuth2 flow uses /v1/ with the SDK."""
    from tests.api.test_oauth_flow import access_token_for

    app = _client(live_server, access_token_for(UserFactory(), "videos:read"))
    assert list(app.videos.list()) == []
    with pytest.raises(openai.PermissionDeniedError):  # the grant had no `generate`
        app.videos.create(prompt="a cat jumps", size=SMALL)


def _curl_examples() -> list[str]:
    """The commands of the curl block in docs/API.md, continuation lines joined."""
    docs = (Path(__file__).resolve().parents[2] / "docs" / "API.md").read_text()
    block = docs.split("<!-- curl-examples -->", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    joined = block.replace("\\\n", " ")
    return [line.strip() for line in joined.splitlines() if line.strip() and line[0] != "#"]


def test_the_curl_examples_in_the_docs_work(
    live_server: Any, person: Any, worker: Any, tmp_path: Path
) -> None:
    curl = shutil.which("curl")
    assert curl, "curl is needed to check the documented curl examples"
    _, token = pat_create(user=person, name="curl", scopes=["videos:read", "generate"])
    env = {"PATH": os.environ["PATH"], "FRAMECAST": live_server.url, "TOKEN": token}
    create, status, download, poster, listing = _curl_examples()

    def run(command: str) -> str:
        done = subprocess.run(
            ["bash", "-c", command],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, (command, done.stderr)
        return done.stdout

    made = json.loads(run(create))
    assert (made["object"], made["status"], made["size"]) == ("video", "queued", SMALL)
    env["VIDEO_ID"] = made["id"]
    deadline = time.monotonic() + 120
    while (now := json.loads(run(status)))["status"] != "completed":
        assert now["status"] in ("queued", "in_progress") and time.monotonic() < deadline, now
        time.sleep(0.5)
    run(download)
    with av.open(str(tmp_path / "video.mp4")) as container:
        frame = next(container.decode(video=0))
        assert (frame.width, frame.height) == (480, 854)
    run(poster)
    assert Image.open(tmp_path / "poster.jpg").format == "JPEG"
    assert [v["id"] for v in json.loads(run(listing))["data"]] == [made["id"]]
