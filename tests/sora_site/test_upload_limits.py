"""Uploads are refused before their bodies are read, and images before they are decoded.

A body whose declared length is over the view's limit gets a 413 with its bytes never read (the
WSGI input here raises if anything touches it, CSRF middleware included); a chunked body over the
limit is cut off where it passes it (ASGI, where Django would otherwise copy it all); and four
images just under the per-image pixel limit are refused from their headers, before decoding.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from asgiref.testing import ApplicationCommunicator
from django.core.asgi import get_asgi_application
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image, ImageFile

from cameos.models import Cameo
from sora_site.api.services import pat_create
from sora_site.core.uploads import UploadLimitASGIMiddleware
from tests.api.conftest import TokenClient
from tests.factories import UserFactory

MB = 1024 * 1024
OVER = 300 * MB  # what the probe sent


class UnreadableInput(io.RawIOBase):
    """A WSGI input that fails the test if any byte of the body is read."""

    reads = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        type(self).reads += 1
        raise AssertionError("the body was read")

    def readline(self, size: int | None = -1) -> bytes:  # type: ignore[override]
        return self.read()

    def readinto(self, buffer: Any) -> int:
        self.read()
        return 0


def _unread_post(client: Client, path: str, length: int = OVER) -> Any:
    UnreadableInput.reads = 0
    environ = {
        "wsgi.input": UnreadableInput(),
        "CONTENT_LENGTH": str(length),
        "CONTENT_TYPE": "multipart/form-data; boundary=xyz",
    }
    response = client.generic("POST", path, b"", **environ)
    assert UnreadableInput.reads == 0
    return response


def _signed_in() -> Client:
    # With a CSRF cookie and no token header, CSRF middleware looks for the token in the form:
    # it reads the body before any view, as in production.
    client = Client(enforce_csrf_checks=True)
    client.cookies["csrftoken"] = "a" * 32
    client.force_login(UserFactory())
    return client


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/settings/profile/", "/cameo/characters/new/", "/verify"], ids=lambda p: p
)
def test_pages_refuse_an_oversized_upload_unread(path: str) -> None:
    response = _unread_post(_signed_in(), path)
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/html")
    body = response.content.decode()
    assert "Upload too large" in body and "MB, the most this page takes" in body


@pytest.mark.django_db
def test_api_verify_refuses_an_oversized_upload_unread_with_json() -> None:
    _, token = pat_create(user=UserFactory(), name="t", scopes=["videos:read"])
    response = _unread_post(TokenClient(token), "/api/v1/verify")
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"
    assert "MB" in response.json()["detail"]


@pytest.mark.django_db
def test_each_limit_is_its_own(settings: Any) -> None:
    """The avatar page takes 5 MB (plus the form), the Verify page its setting: a 20 MB body
    is too much for one and fine (read, and answered by the view) for the other."""
    settings.VERIFY_MAX_UPLOAD_BYTES = 1 * MB
    client = _signed_in()
    assert _unread_post(client, "/settings/profile/", 20 * MB).status_code == 413
    assert _unread_post(client, "/verify", 2 * MB).status_code == 413
    small = Client().post("/verify", {"file": SimpleUploadedFile("v.mp4", b"x" * 1000)})
    assert small.status_code == 400  # under the limit: the view read it and said what was wrong


@pytest.mark.django_db
def test_other_views_have_the_site_wide_ceiling(settings: Any) -> None:
    settings.UPLOAD_MAX_BYTES = 2 * MB
    response = _unread_post(_signed_in(), "/api/v1/reports", 3 * MB)
    assert response.status_code == 413 and response.json()["code"] == "request_too_large"


@pytest.mark.django_db
def test_an_unreadable_declared_length_is_a_400_unread() -> None:
    UnreadableInput.reads = 0
    response = Client().generic(
        "POST", "/verify", b"", **{"wsgi.input": UnreadableInput(), "CONTENT_LENGTH": "ten"}
    )
    assert response.status_code == 400 and "not a number" in response.content.decode()
    assert UnreadableInput.reads == 0


@pytest.mark.django_db
def test_a_chunked_upload_without_a_length_is_refused_clearly_over_wsgi() -> None:
    UnreadableInput.reads = 0
    response = Client().generic(
        "POST",
        "/verify",
        b"",
        **{"wsgi.input": UnreadableInput(), "HTTP_TRANSFER_ENCODING": "chunked"},
    )
    assert response.status_code == 411 and "Content-Length" in response.content.decode()
    assert UnreadableInput.reads == 0


# --- ASGI: the body is counted as it arrives --------------------------------------------------


async def _asgi_post(path: str, headers: list[tuple[bytes, bytes]], chunks: int) -> Any:
    app = UploadLimitASGIMiddleware(get_asgi_application())
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": [(b"host", b"testserver"), *headers],
        "client": ("203.0.113.5", 5000),
        "server": ("testserver", 80),
    }
    communicator = ApplicationCommunicator(app, scope)
    for index in range(chunks):
        await communicator.send_input(
            {"type": "http.request", "body": b"\0" * MB, "more_body": index < chunks - 1}
        )
    start = await communicator.receive_output(timeout=10)
    body = await communicator.receive_output(timeout=10)
    # What the application left unread is still in its queue.
    unread = communicator.input_queue.qsize()
    await communicator.wait(timeout=5)
    return start, body["body"], unread


@pytest.mark.parametrize(
    ("path", "json_body"), [("/verify", False), ("/api/v1/verify", True)], ids=["page", "api"]
)
def test_a_chunked_body_over_the_limit_is_cut_off_where_it_passes_it(
    settings: Any, path: str, json_body: bool
) -> None:
    settings.VERIFY_MAX_UPLOAD_BYTES = 3 * MB
    chunked = [(b"transfer-encoding", b"chunked")]
    start, body, unread = async_to_sync(_asgi_post)(path, chunked, 40)
    assert start["status"] == 413
    assert (b'"request_too_large"' in body) is json_body
    assert b"larger than 3 MB" in body
    assert unread >= 40 - 5  # 3 MB and the overhead were read, the rest never was


def test_an_asgi_body_declared_over_the_limit_is_not_read_at_all(settings: Any) -> None:
    settings.VERIFY_MAX_UPLOAD_BYTES = 3 * MB
    declared = [(b"content-length", str(OVER).encode())]
    start, _, unread = async_to_sync(_asgi_post)("/verify", declared, 8)
    assert start["status"] == 413 and unread == 8


# --- images: pixels bounded per request, from the headers ------------------------------------


def _png(side: int) -> bytes:
    """A valid PNG of side x side pixels that is small on disk (one bit a pixel, all blank)."""
    out = io.BytesIO()
    Image.new("1", (side, side)).save(out, format="PNG")
    return out.getvalue()


@pytest.mark.django_db
def test_four_images_just_under_the_pixel_limit_are_refused_before_decoding(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    decoded: list[tuple[int, int]] = []
    real_load = ImageFile.ImageFile.load

    def counting_load(self: ImageFile.ImageFile) -> Any:
        decoded.append(self.size)
        return real_load(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", counting_load)
    big = _png(6300)  # 39.7 megapixels: under the 40 megapixel limit for one image
    client = Client()
    client.force_login(UserFactory())
    response = client.post(
        "/cameo/characters/new/",
        {
            "display_name": "Rex",
            "voice_preset": "en+m2",
            "permission": "only_me",
            "images": [SimpleUploadedFile(f"{i}.png", big, "image/png") for i in range(4)],
        },
    )
    assert response.status_code == 400
    assert "Together these images are too large" in response.content.decode()
    assert not [size for size in decoded if size[0] * size[1] > 1_000_000]
    assert not Cameo.objects.exists()


@pytest.mark.django_db
def test_one_large_image_is_still_taken() -> None:
    client = Client()
    client.force_login(UserFactory())
    response = client.post(
        "/cameo/characters/new/",
        {
            "display_name": "Rex",
            "voice_preset": "en+m2",
            "permission": "only_me",
            "images": [SimpleUploadedFile("a.png", _png(6300), "image/png")],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Cameo.objects.get().display_name == "Rex"


@pytest.mark.django_db
def test_the_character_api_declares_the_character_pages_limit(settings: Any) -> None:
    """POST /v1/videos/characters takes what the character page takes - not the site-wide
    ceiling - and a body over that is refused unread, as on the page."""
    from cameos.services import character_upload_max_bytes
    from sora_site.core.uploads import body_limit_for

    settings.UPLOAD_MAX_BYTES = 1 * MB
    page_limit = body_limit_for("/cameo/characters/new/")
    assert body_limit_for("/v1/videos/characters") == page_limit
    assert page_limit[0] > character_upload_max_bytes() > settings.UPLOAD_MAX_BYTES
    _, token = pat_create(user=UserFactory(), name="t", scopes=["cameos:write"])
    response = _unread_post(TokenClient(token), "/v1/videos/characters", page_limit[0] + 1)
    assert response.status_code == 413
    # In OpenAI's shape, which the SDK reads into its APIStatusError's message and code.
    error = response.json()["error"]
    assert error["code"] == "request_too_large" and "MB" in error["message"]
