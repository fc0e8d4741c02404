"""The public Verify page: C2PA and the invisible watermark, on real generated files."""

from __future__ import annotations

import tempfile
from pathlib import Path

import av
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

import gen_engine
from tests.factories import UserFactory
from videos.models import Video

WATERMARK_ID = 0x1234_5678_9ABC


@pytest.fixture(scope="module")
def signed_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("verify-clip")
    spec = gen_engine.GenerationSpec(
        prompt="a red ball bounces in a studio",
        duration=5,
        resolution=480,
        watermark_id=WATERMARK_ID,
        video_id="verifytest1",
        creator_handle="ada",
    )
    return Path(gen_engine.generate(spec, out).video_path)


def _stripped_copy(source: Path, target: Path) -> Path:
    """Re-mux the streams into a new MP4: same pixels, no C2PA manifest."""
    with av.open(str(source)) as src, av.open(str(target), "w", format="mp4") as dst:
        mapping = {
            s.index: dst.add_stream_from_template(s)
            for s in src.streams
            if s.type in ("video", "audio")
        }
        for packet in src.demux():
            if packet.dts is None or packet.stream.index not in mapping:
                continue
            packet.stream = mapping[packet.stream.index]
            dst.mux(packet)
    return target


def _upload(client: Client, data: bytes, name: str = "clip.mp4") -> tuple[int, str]:
    response = client.post("/verify", {"file": SimpleUploadedFile(name, data, "video/mp4")})
    return response.status_code, response.content.decode()


def _video(**fields: object) -> Video:
    return Video.objects.create(
        owner=UserFactory(),
        prompt="secret prompt about a red ball",
        watermark_id=WATERMARK_ID,
        **fields,
    )


@pytest.mark.django_db
def test_signed_file_is_trusted_and_links_the_public_video(signed_clip: Path) -> None:
    video = _video(status=Video.Status.PUBLISHED, visibility=Video.Visibility.PUBLIC)
    status, body = _upload(Client(), signed_clip.read_bytes())
    assert status == 200
    assert "Valid and signed by" in body
    assert "Found" in body
    assert f"/v/{video.public_id}/" in body


@pytest.mark.django_db
def test_stripped_copy_still_resolves_through_the_watermark(
    signed_clip: Path, tmp_path: Path
) -> None:
    _video(status=Video.Status.DRAFT_READY)
    stripped = _stripped_copy(signed_clip, tmp_path / "stripped.mp4")
    status, body = _upload(Client(), stripped.read_bytes())
    assert status == 200
    assert "None found" in body and "Found</strong>" in body
    assert "Made on Framecast on" in body
    assert "secret prompt" not in body and "/v/" not in body  # a draft leaks nothing


@pytest.mark.django_db
def test_tampered_media_fails_c2pa(signed_clip: Path) -> None:
    data = bytearray(signed_clip.read_bytes())
    data[data.rfind(b"mdat") + 4000] ^= 0xFF
    status, body = _upload(Client(), bytes(data))
    assert status == 200
    assert "Present but invalid" in body


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "name", "status", "message"),
    [
        (b"", "empty.mp4", 400, "The file is empty."),
        (b"%PDF-1.7 not a video at all" * 50, "doc.mp4", 400, "not a video file we can read"),
    ],
)
def test_bad_uploads_get_clear_messages_and_leave_nothing(
    data: bytes, name: str, status: int, message: str
) -> None:
    before = set(Path(tempfile.gettempdir()).glob("verify-*"))
    got_status, body = _upload(Client(), data, name)
    assert got_status == status and message in body
    assert set(Path(tempfile.gettempdir()).glob("verify-*")) == before


@pytest.mark.django_db
def test_oversized_upload_is_refused(settings: pytest.FixtureRequest) -> None:
    settings.VERIFY_MAX_UPLOAD_BYTES = 1000  # type: ignore[attr-defined]
    status, body = _upload(Client(), b"\0" * 5000)
    assert status == 413 and "larger than" in body


@pytest.mark.django_db
def test_missing_file_field_is_a_400() -> None:
    response = Client().post("/verify", {})
    assert response.status_code == 400 and "Choose a video file" in response.content.decode()


@pytest.mark.django_db
def test_unreadable_declared_length_is_a_400() -> None:
    response = Client().generic("POST", "/verify", b"", CONTENT_LENGTH="ten")
    assert response.status_code == 400 and "not a number" in response.content.decode()
