"""Media delivery: Range requests on local storage, access rules, presigned S3 URLs."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import AsyncClient, Client
from django.urls import reverse

from sora_site.core.media import RangeNotSatisfiable, parse_range
from tests.factories import UserFactory
from tests.videos.factories import GenerationJobFactory, VideoFactory
from videos.models import GenerationJob, Video

pytestmark = pytest.mark.django_db
BODY = bytes(range(256)) * 40  # 10 240 bytes, every offset recognisable


def draft_with_file(**kwargs: Any) -> Video:
    video = VideoFactory(status=Video.Status.DRAFT_READY, **kwargs)
    GenerationJobFactory(video=video, status=GenerationJob.Status.SUCCEEDED)
    video.video_file.name = default_storage.save(
        f"videos/{video.public_id}/x.mp4", ContentFile(BODY)
    )
    video.poster_file.name = default_storage.save(
        f"videos/{video.public_id}/x.jpg", ContentFile(b"\xff\xd8poster")
    )
    video.save(update_fields=["video_file", "poster_file"])
    return video


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("bytes=0-99", (0, 99)),
        ("bytes=100-", (100, 10239)),
        ("bytes=-100", (10140, 10239)),
        ("bytes=10000-99999", (10000, 10239)),
        ("bytes=0-0", (0, 0)),
        ("", None),
        ("bytes=0-1,5-6", None),
        ("items=0-5", None),
        ("bytes=0-" + "9" * 5000, None),  # too long to be a byte offset: ignored, not a 500
        ("bytes=\u0661-\u0662", None),  # non-ASCII digits are not a range
    ],
)
def test_parse_range(header: str, expected: Any) -> None:
    assert parse_range(header, len(BODY)) == expected


@pytest.mark.parametrize("header", ["bytes=10240-", "bytes=20000-20010", "bytes=-0", "bytes=5-2"])
def test_parse_range_not_satisfiable(header: str) -> None:
    with pytest.raises(RangeNotSatisfiable):
        parse_range(header, len(BODY))


def test_owner_gets_whole_file_and_ranges(client: Client) -> None:
    video = draft_with_file()
    client.force_login(video.owner)
    url = reverse("videos:media_video", args=[video.public_id])
    full = client.get(url)
    assert full.status_code == 200 and body(full) == BODY
    assert full["Accept-Ranges"] == "bytes" and full["Content-Type"] == "video/mp4"
    assert full["Content-Length"] == str(len(BODY))
    assert "private" in full["Cache-Control"]

    part = client.get(url, HTTP_RANGE="bytes=1000-1999")
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 1000-1999/{len(BODY)}"
    assert part["Content-Length"] == "1000" and body(part) == BODY[1000:2000]

    tail = client.get(url, HTTP_RANGE="bytes=-10")
    assert tail.status_code == 206 and body(tail) == BODY[-10:]
    assert tail["Content-Range"] == f"bytes 10230-10239/{len(BODY)}"

    open_ended = client.get(url, HTTP_RANGE="bytes=10000-")
    assert open_ended.status_code == 206 and body(open_ended) == BODY[10000:]

    bad = client.get(url, HTTP_RANGE="bytes=999999-")
    assert bad.status_code == 416 and bad["Content-Range"] == f"bytes */{len(BODY)}"

    head = client.head(url, HTTP_RANGE="bytes=0-9")
    assert head.status_code == 206 and head["Content-Length"] == "10"

    poster = client.get(reverse("videos:media_poster", args=[video.public_id]))
    assert poster.status_code == 200 and body(poster) == b"\xff\xd8poster"
    assert poster["Content-Type"] == "image/jpeg"


def test_range_over_asgi_streams_the_right_bytes() -> None:
    video = draft_with_file()
    client = AsyncClient()
    async_to_sync(client.aforce_login)(video.owner)
    url = reverse("videos:media_video", args=[video.public_id])

    async def fetch() -> tuple[int, bytes, str]:
        response = await client.get(url, headers={"range": "bytes=256-511"})
        chunks = [chunk async for chunk in response.streaming_content]
        return response.status_code, b"".join(chunks), response["Content-Range"]

    status, data, content_range = async_to_sync(fetch)()
    assert status == 206 and data == BODY[256:512]
    assert content_range == f"bytes 256-511/{len(BODY)}"


def test_drafts_are_private_to_their_owner(client: Client) -> None:
    video = draft_with_file()
    urls = [
        reverse("videos:media_video", args=[video.public_id]),
        reverse("videos:media_poster", args=[video.public_id]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404  # anonymous
    client.force_login(UserFactory())
    for url in urls:
        assert client.get(url).status_code == 404
        assert client.get(url, HTTP_RANGE="bytes=0-10").status_code == 404


def test_published_public_video_is_served_to_anyone(client: Client) -> None:
    video = draft_with_file()
    Video.objects.filter(pk=video.pk).update(status=Video.Status.PUBLISHED)
    response = client.get(
        reverse("videos:media_video", args=[video.public_id]), HTTP_RANGE="bytes=0-3"
    )
    assert response.status_code == 206 and body(response) == BODY[:4]
    assert "public" in response["Cache-Control"]


def test_generating_draft_has_no_media_yet(client: Client) -> None:
    job = GenerationJobFactory()
    client.force_login(job.owner)
    assert client.get(reverse("videos:media_video", args=[job.video.public_id])).status_code == 404


# --- S3: a real S3-compatible server (moto in server mode) in a subprocess --------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    moto = Path(sys.executable).with_name("moto_server")
    if not moto.exists():
        pytest.skip("moto_server (moto[server] from requirements-dev.txt) is not installed")
    port = _free_port()
    process = subprocess.Popen(
        [str(moto), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), 0.2):
                    break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("moto_server did not start")
        yield endpoint
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_s3_storage_redirects_to_short_lived_presigned_url(
    client: Client, settings: Any, s3_endpoint: str, monkeypatch: Any
) -> None:
    import boto3

    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(key, value)
    bucket = "framecast-media-test"
    boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1").create_bucket(
        Bucket=bucket
    )
    settings.AWS_STORAGE_BUCKET_NAME = bucket
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "endpoint_url": s3_endpoint,
                "region_name": "us-east-1",
                "default_acl": None,
                "querystring_auth": True,
                "querystring_expire": 120,
                "file_overwrite": False,
            },
        },
    }
    video = draft_with_file()
    assert video.video_file.name.startswith(f"videos/{video.public_id}/")
    listed = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1").list_objects_v2(
        Bucket=bucket
    )
    assert {o["Key"] for o in listed["Contents"]} >= {video.video_file.name}

    url = reverse("videos:media_video", args=[video.public_id])
    assert client.get(url).status_code == 404  # not the owner: no URL at all
    client.force_login(video.owner)
    response = client.get(url)
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(f"{s3_endpoint}/{bucket}/videos/{video.public_id}/")
    assert "Signature=" in location  # signed ...
    assert "X-Amz-Expires=120" in location or "Expires=" in location  # ... and short-lived
    request = urllib.request.Request(location, headers={"Range": "bytes=100-199"})
    with urllib.request.urlopen(request, timeout=10) as fetched:
        assert fetched.status == 206 and fetched.read() == BODY[100:200]
    unsigned = location.split("?")[0]
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(unsigned, timeout=10)
    assert refused.value.code == 403
