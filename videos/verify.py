"""Verify: does a video file come from this site? C2PA first, the invisible watermark always.

The upload is checked by content (PyAV must find a video stream), kept only in a temporary
folder for the length of the check, and never stored. A watermark found in a file whose C2PA
data was stripped still leads back to the video - linked when it is public, otherwise only the
day it was made, so a private draft is never revealed.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import av
from django.conf import settings

from gen_engine import provenance
from sora_site.core.errors import PayloadTooLarge, ValidationFailed
from sora_site.provenance import configure_provenance, trust_anchor_pem
from videos.models import Video

logger = logging.getLogger(__name__)
MAX_VERIFY_SECONDS = 15 * 60
MAX_VERIFY_PIXELS = 8192 * 8192
MIN_VERIFY_SIDE = 64


@dataclass(frozen=True)
class VerifyOutcome:
    c2pa_state: str  # Trusted, Valid, Invalid, NoManifest, Error
    c2pa: dict[str, Any] = field(default_factory=dict)
    watermark_found: bool = False
    watermark_confidence: float = 0.0
    video: Video | None = None  # only when it is published and public
    made_on: dt.date | None = None  # when the video is not public (or no longer exists: None)
    from_this_site: bool = False

    @property
    def c2pa_trusted(self) -> bool:
        return self.c2pa_state == "Trusted"


def _probe(path: Path) -> None:
    """Refuse anything that is not a readable video, before the expensive checks."""
    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                raise ValidationFailed("This file has no video in it.", code="not_video")
            stream = container.streams.video[0]
            if min(stream.width or 0, stream.height or 0) < MIN_VERIFY_SIDE:
                raise ValidationFailed(
                    f"This video is too small to check (under {MIN_VERIFY_SIDE} pixels a side).",
                    code="too_small",
                )
            if (stream.width or 0) * (stream.height or 0) > MAX_VERIFY_PIXELS:
                raise ValidationFailed(
                    "This video's frames are too large to check.", code="too_big"
                )
            seconds = float(container.duration or 0) / av.time_base
            if seconds > MAX_VERIFY_SECONDS:
                raise ValidationFailed(
                    "Videos longer than 15 minutes can't be checked.", code="too_long"
                )
    except ValidationFailed:
        raise
    except (av.FFmpegError, ValueError, UnicodeDecodeError) as exc:
        raise ValidationFailed(
            "This is not a video file we can read (MP4, MOV, WebM).", code="not_video"
        ) from exc


def verify_upload(*, upload: IO[bytes], size: int) -> VerifyOutcome:
    if size <= 0:
        raise ValidationFailed("The file is empty.", code="empty_file")
    limit = settings.VERIFY_MAX_UPLOAD_BYTES
    if size > limit:
        raise PayloadTooLarge(f"The file is larger than {limit // (1024 * 1024)} MB.")
    configure_provenance()
    folder = Path(tempfile.mkdtemp(prefix="verify-"))
    try:
        path = folder / "upload"
        with path.open("wb") as handle:
            shutil.copyfileobj(upload, handle, length=1024 * 1024)
        _probe(path)
        report = provenance.verify(path, trust_anchor_pem=trust_anchor_pem())
        try:
            detection = provenance.detect(path, key=provenance.current_watermark_key())
        except ValueError as exc:  # decodable header, but no frames the detector can read
            raise ValidationFailed(
                "This is not a video file we can read (MP4, MOV, WebM).", code="not_video"
            ) from exc
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    outcome: dict[str, Any] = {
        "c2pa_state": report.state,
        "c2pa": report.to_dict(),
        "watermark_found": detection.found,
        "watermark_confidence": round(detection.confidence, 3),
    }
    video = None
    if detection.found and detection.payload is not None:
        video = Video.objects.select_related("owner").filter(watermark_id=detection.payload).first()
    if video is not None:
        public = (
            video.status == Video.Status.PUBLISHED and video.visibility == Video.Visibility.PUBLIC
        )
        outcome["video"] = video if public else None
        outcome["made_on"] = None if public else video.created_at.date()
    outcome["from_this_site"] = report.state == "Trusted" or detection.found
    logger.info(
        "verify.done",
        extra={"c2pa": report.state, "watermark": detection.found, "matched": video is not None},
    )
    return VerifyOutcome(**outcome)
