"""Reports through the API and the report page follow the same rules; Verify answers JSON."""

from __future__ import annotations

import io
from typing import Any

import av
import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from moderation.models import Report
from moderation.policy import OTHER
from tests.api.builders import video_in
from tests.api.conftest import client_for
from tests.factories import UserFactory
from videos.models import Video
from videos.tasks import verify_check

pytestmark = pytest.mark.django_db


def _report(api: Any, kind: str, target: str) -> Any:
    return api.post(
        "/api/v1/reports",
        {"target_type": kind, "target_id": target, "reason": OTHER, "note": "odd"},
        content_type="application/json",
    )


def test_reports_follow_the_report_pages_rules() -> None:
    owner, reporter = UserFactory(), UserFactory()
    published = video_in(owner, Video.Status.PUBLISHED)
    draft = video_in(owner, Video.Status.DRAFT_READY)
    api = client_for(reporter)
    browser = Client()
    browser.force_login(reporter)

    created = _report(api, "video", published.public_id)
    assert created.status_code == 201, created.content
    assert created.json()["status"] == "pending"
    again = _report(api, "video", published.public_id)
    assert again.status_code == 409
    assert again.json()["code"] == "duplicate"
    html = browser.post(f"/report/video/{published.public_id}/", {"reason": OTHER})
    assert html.status_code == 409  # the page refuses the duplicate too

    assert _report(api, "video", draft.public_id).status_code == 404
    assert browser.get(f"/report/video/{draft.public_id}/").status_code == 404

    own = client_for(owner)
    refused = _report(own, "video", published.public_id)
    assert refused.status_code == 400
    assert refused.json()["code"] == "own_content"

    assert _report(api, "account", owner.handle).status_code == 201
    assert _report(api, "account", "nobody_here").status_code == 404
    assert Report.objects.filter(reporter=reporter).count() == 2


@pytest.mark.parametrize("comment_id", ["\u00b2", "12\u00b3", "99999999999999999999", "0", "-1"])
def test_report_of_an_impossible_comment_id_is_a_404(comment_id: str) -> None:
    response = _report(client_for(UserFactory()), "comment", comment_id)
    assert response.status_code == 404, response.content
    assert response.json()["code"] == "not_found"
    assert not Report.objects.exists()


def _tiny_mp4() -> bytes:
    buffer = io.BytesIO()
    with av.open(buffer, "w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=10)
        stream.width, stream.height, stream.pix_fmt = 64, 64, "yuv420p"
        for i in range(10):
            frame = av.VideoFrame.from_ndarray(
                np.full((64, 64, 3), i * 20, dtype=np.uint8), format="rgb24"
            )
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return buffer.getvalue()


def test_verify_reports_a_file_from_elsewhere() -> None:
    api = client_for(UserFactory(), ["videos:read"])
    upload = SimpleUploadedFile("clip.mp4", _tiny_mp4(), content_type="video/mp4")
    response = api.post("/api/v1/verify", {"file": upload})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["from_this_site"] is False
    assert body["watermark_found"] is False
    assert body["c2pa_state"] == "NoManifest"
    assert body["video"] is None


def test_verify_refuses_what_is_not_a_video() -> None:
    api = client_for(UserFactory(), ["videos:read"])
    upload = SimpleUploadedFile("notes.mp4", b"hello, not a video", content_type="video/mp4")
    response = api.post("/api/v1/verify", {"file": upload})
    assert response.status_code == 400
    assert response.json()["code"] == "not_video"
    missing = api.post("/api/v1/verify", {})
    assert missing.status_code == 400
    assert missing.json()["code"] == "file"


PNG_1X1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108000000003a7e9b55"
    "0000000a49444154789c636000000002000148afa4710000000049454e44ae426082"
)


def test_verify_tiny_image_is_refused_not_a_server_error() -> None:
    api = client_for(UserFactory(), ["videos:read"])
    upload = SimpleUploadedFile("dot.png", PNG_1X1, content_type="image/png")
    response = api.post("/api/v1/verify", {"file": upload})
    assert response.status_code == 400
    assert response.json()["code"] == "too_small"


def test_verify_of_a_large_file_answers_202_and_the_check_url_gives_the_findings(
    settings: Any, tmp_path: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.VERIFY_INLINE_PIXELS = 0  # every file counts as large
    settings.VERIFY_SPOOL_DIR = tmp_path / "spool"
    api = client_for(UserFactory(), ["videos:read"])
    upload = SimpleUploadedFile("clip.mp4", _tiny_mp4(), content_type="video/mp4")
    with django_capture_on_commit_callbacks(execute=False) as enqueued:
        response = api.post("/api/v1/verify", {"file": upload})
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["status"] == "queued" and body["result"] is None
    assert response["Location"] == body["url"] and body["url"].endswith(f"/verify/{body['id']}")
    assert len(enqueued) == 1  # handed to the broker only once the row is committed

    path = body["url"].split("testserver", 1)[1]
    assert api.get(path).json()["status"] == "queued"
    verify_check.fn(body["id"])  # what the worker runs
    done = api.get(path)
    assert done.status_code == 200
    assert done.json()["status"] == "done"
    assert done.json()["result"]["c2pa_state"] == "NoManifest"
    assert done.json()["result"]["from_this_site"] is False
    assert not list((tmp_path / "spool").iterdir())  # the upload is gone

    missing = api.get("/api/v1/verify/00000000-0000-4000-8000-000000000000")
    assert missing.status_code == 404 and "code" in missing.json()
