"""/verify must not let an anonymous upload buy unbounded CPU inside a web worker.

The inline-or-worker decision may rest only on what a file cannot lie about: its size, its frame
size and the packets actually read from it (a bounded count). A container that says it lasts
40 ms while holding 480 4K frames goes to the worker without its frames being decoded in the
request; and each client gets a budget of checks (a 429 with Retry-After past it).
"""

from __future__ import annotations

import fractions
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from sora_site.api.services import pat_create
from tests.api.conftest import TokenClient, client_for
from tests.factories import UserFactory
from videos.models import VerifyCheck

pytestmark = pytest.mark.django_db

WIDTH, HEIGHT = 4096, 2160
PACKETS = 480


def _lying_mjpeg(width: int = WIDTH, height: int = HEIGHT, packets: int = PACKETS) -> bytes:
    """A Matroska file of `packets` real MJPEG frames whose timestamps all fall inside ~40 ms,
    so the container declares a 40 ms duration (and no frame count) for several seconds of
    decoding. One frame is encoded and its packet muxed again and again: quick to build."""
    time_base = fractions.Fraction(1, 90_000)
    buffer = io.BytesIO()
    with av.open(buffer, "w", format="matroska") as out:
        stream = out.add_stream("mjpeg", rate=25)
        stream.width, stream.height = width, height
        stream.pix_fmt = "yuvj420p"
        stream.time_base = time_base
        ramp = np.linspace(0, 255, width, dtype=np.uint8)
        image = np.repeat(np.repeat(ramp[None, :, None], height, axis=0), 3, axis=2)
        frame = av.VideoFrame.from_ndarray(image, format="rgb24").reformat(format="yuvj420p")
        frame.pts, frame.time_base = 0, time_base
        data = bytes(next(iter(stream.encode(frame))))
        for index in range(packets):
            packet = av.Packet(data)
            packet.stream = stream
            packet.pts = packet.dts = index
            packet.time_base = time_base
            packet.is_keyframe = True
            out.mux(packet)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def lying_file() -> bytes:
    data = _lying_mjpeg()
    with av.open(io.BytesIO(data)) as container:  # the lie this test depends on
        assert float(container.duration or 0) / av.time_base < 0.1
        assert not container.streams.video[0].frames
    return data


class _CountingContainer:
    """Forwards to a real container, counting every frame its decode() hands out."""

    def __init__(self, real: Any, counter: dict[str, int]) -> None:
        self._real, self._counter = real, counter

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def __enter__(self) -> _CountingContainer:
        self._real.__enter__()
        return self

    def __exit__(self, *exc: Any) -> Any:
        return self._real.__exit__(*exc)

    def decode(self, *args: Any, **kwargs: Any) -> Iterator[Any]:
        for frame in self._real.decode(*args, **kwargs):
            self._counter["frames"] += 1
            yield frame


@pytest.fixture
def decoded(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """How many video frames anything in this process decodes through PyAV (the probe, the
    detector, the C2PA reader's caller): the work the request did."""
    counter = {"frames": 0}
    real_open = av.open

    def counting_open(*args: Any, **kwargs: Any) -> Any:
        container = real_open(*args, **kwargs)
        mode = kwargs.get("mode", args[1] if len(args) > 1 else "r")
        return container if mode != "r" else _CountingContainer(container, counter)

    monkeypatch.setattr(av, "open", counting_open)
    return counter


@pytest.fixture
def spool(settings: Any, tmp_path: Path) -> Path:
    settings.VERIFY_SPOOL_DIR = tmp_path / "spool"
    return settings.VERIFY_SPOOL_DIR


def _inline_frame_bound(settings: Any) -> int:
    return max(1, settings.VERIFY_INLINE_PIXELS // (WIDTH * HEIGHT))


def test_page_sends_a_file_with_a_lying_duration_to_the_worker_undecoded(
    lying_file: bytes,
    decoded: dict[str, int],
    spool: Path,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as enqueued:
        response = Client().post(
            "/verify", {"file": SimpleUploadedFile("x.mkv", lying_file, "video/x-matroska")}
        )
    assert decoded["frames"] <= _inline_frame_bound(settings)
    assert response.status_code == 302, response.content[:400]
    check = VerifyCheck.objects.get()
    assert response["Location"] == f"/verify/{check.id}"
    assert check.status == VerifyCheck.Status.QUEUED and len(enqueued) == 1
    assert (spool / str(check.id)).read_bytes() == lying_file


def test_api_answers_202_for_a_file_with_a_lying_duration_undecoded(
    lying_file: bytes, decoded: dict[str, int], spool: Path, settings: Any
) -> None:
    api = client_for(UserFactory(), ["videos:read"])
    upload = SimpleUploadedFile("x.mkv", lying_file, "video/x-matroska")
    response = api.post("/api/v1/verify", {"file": upload})
    assert decoded["frames"] <= _inline_frame_bound(settings)
    assert response.status_code == 202, response.content[:400]
    assert response.json()["status"] == "queued"


def test_inline_decoding_stops_at_the_frame_bound_whatever_the_probe_counted(
    decoded: dict[str, int], spool: Path, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Even if the packet count were fooled (a codec packing several frames in a packet), the
    request decodes at most one frame past its budget and then hands the file on."""
    from videos import verify

    data = _lying_mjpeg(width=320, height=240, packets=60)
    settings.VERIFY_INLINE_PIXELS = 10 * 320 * 240
    monkeypatch.setattr(verify, "_count_video_packets", lambda container, cap: 1)
    response = Client().post("/verify", {"file": SimpleUploadedFile("x.mkv", data)})
    assert response.status_code == 302, response.content[:400]
    assert decoded["frames"] <= 11
    assert VerifyCheck.objects.get().status == VerifyCheck.Status.QUEUED


def test_a_file_over_the_inline_size_goes_to_the_worker_undecoded(
    decoded: dict[str, int], spool: Path, settings: Any
) -> None:
    data = _lying_mjpeg(width=320, height=240, packets=5)
    settings.VERIFY_INLINE_MAX_BYTES = len(data) - 1
    response = Client().post("/verify", {"file": SimpleUploadedFile("x.mkv", data)})
    assert response.status_code == 302
    assert decoded["frames"] == 0


def test_a_small_honest_file_is_still_answered_inline(decoded: dict[str, int], spool: Path) -> None:
    data = _lying_mjpeg(width=320, height=240, packets=12)
    response = Client().post("/verify", {"file": SimpleUploadedFile("x.mkv", data)})
    assert response.status_code == 200, response.content[:400]
    assert "No sign that this video was made on" in response.content.decode()
    assert 12 <= decoded["frames"] <= 13
    assert not VerifyCheck.objects.exists()


# --- per-client rate limit, one budget for the page and the API ------------------------------


def _post_page(client: Client) -> Any:
    return client.post("/verify", {"file": SimpleUploadedFile("n.mp4", b"not a video" * 20)})


def test_verify_is_rate_limited_per_client_on_page_and_api(settings: Any) -> None:
    settings.VERIFY_RATE_LIMIT = 3
    settings.VERIFY_RATE_WINDOW_SECONDS = 600
    client = Client(REMOTE_ADDR="203.0.113.7")
    assert [_post_page(client).status_code for _ in range(2)] == [400, 400]
    _, token = pat_create(user=UserFactory(), name="t", scopes=["videos:read"])
    api = TokenClient(token, REMOTE_ADDR="203.0.113.7")
    upload = SimpleUploadedFile("n.mp4", b"not a video" * 20)
    assert api.post("/api/v1/verify", {"file": upload}).status_code == 400

    page = _post_page(client)
    assert page.status_code == 429
    assert 0 < int(page["Retry-After"]) <= 600
    assert "Too many checks" in page.content.decode()
    refused = api.post("/api/v1/verify", {"file": SimpleUploadedFile("n.mp4", b"x" * 200)})
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 600
    assert refused.json()["code"] == "verify_rate_limited" and refused.json()["detail"]

    other = Client(REMOTE_ADDR="198.51.100.9")  # another client keeps its own budget
    assert _post_page(other).status_code == 400
    assert client.get("/verify").status_code == 200  # reading the page costs nothing
