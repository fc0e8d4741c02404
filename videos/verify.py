"""Verify: does a video file come from this site? C2PA first, the invisible watermark always.

The upload is checked by content (PyAV must find a video stream), kept only for the length of
the check, and never stored. A file the detector can read quickly is checked inside the request,
in a temporary folder; a larger one waits in VERIFY_SPOOL_DIR for a worker (`VerifyCheck`), which
deletes it after the check. "Quickly" is judged only on what the file cannot lie about - its size
(VERIFY_INLINE_MAX_BYTES), its frame size and a bounded count of the packets actually in it, whose
product must stay under VERIFY_INLINE_PIXELS - never on the duration or frame count it declares;
and the request decodes at most that many frames whatever it finds. Each client has a budget of
checks (VERIFY_RATE_LIMIT per VERIFY_RATE_WINDOW_SECONDS), shared by the page and the API.

A watermark found in a file whose C2PA data was stripped still leads back to the video - linked
when it is public, otherwise only the day it was made, so a private draft is never revealed. The
link is worked out when the findings are read, so a video made private after a check is not
revealed by it either.
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
from django.db import transaction
from django.utils import timezone

from gen_engine import provenance
from gen_engine.provenance.detection import MAX_FRAMES, average_luma, detect_in_luma
from sora_site.core.errors import PayloadTooLarge, ValidationFailed
from sora_site.core.rate_limits import rate_limit_take
from sora_site.provenance import configure_provenance, trust_anchor_pem
from videos.models import VerifyCheck, Video

logger = logging.getLogger(__name__)
MAX_VERIFY_SECONDS = 15 * 60
MAX_VERIFY_PIXELS = 8192 * 8192
MIN_VERIFY_SIDE = 64
VERIFY_ABANDONED_SECONDS = 15 * 60  # past the verify_check actor's 10-minute time limit
# Packets of every stream read while counting video packets: a file of countless tiny audio or
# data packets must not make the count itself the expensive part.
MAX_COUNTED_PACKETS = 20_000
NOT_READABLE = "This is not a video file we can read (MP4, MOV, WebM)."


def verify_rate_take(*, client: str) -> None:
    """Count one check against the client's budget (VERIFY_RATE_LIMIT per
    VERIFY_RATE_WINDOW_SECONDS): anyone may call Verify, so no one may spend the site's CPU
    without bound. Raises LimitExceeded with the seconds until the window turns."""
    limit = int(settings.VERIFY_RATE_LIMIT)
    window = max(1, int(settings.VERIFY_RATE_WINDOW_SECONDS))
    minutes = max(1, window // 60)
    rate_limit_take(
        key=f"verify:{client}",
        limit=limit,
        window_seconds=window,
        message=(
            f"Too many checks from your address: at most {limit} every {minutes} minute"
            f"{'s' if minutes != 1 else ''}. Please try again later."
        ),
        code="verify_rate_limited",
    )


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


def _count_video_packets(container: Any, cap: int) -> int:
    """Video packets actually in the file, counted without decoding, up to `cap`."""
    index = container.streams.video[0].index
    count = 0
    for read, packet in enumerate(container.demux(), start=1):
        if packet.stream.index == index and packet.size:
            count += 1
            if count >= cap:
                break
        if read >= MAX_COUNTED_PACKETS:
            return cap
    return count


def _probe(path: Path, *, size: int) -> int:
    """Refuse anything that is not a readable video, before the expensive checks; return how
    many frames the request itself may decode (0: the file goes to a worker)."""
    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                raise ValidationFailed("This file has no video in it.", code="not_video")
            stream = container.streams.video[0]
            width, height = stream.width or 0, stream.height or 0
            if min(width, height) < MIN_VERIFY_SIDE:
                raise ValidationFailed(
                    f"This video is too small to check (under {MIN_VERIFY_SIDE} pixels a side).",
                    code="too_small",
                )
            if width * height > MAX_VERIFY_PIXELS:
                raise ValidationFailed(
                    "This video's frames are too large to check.", code="too_big"
                )
            seconds = float(container.duration or 0) / av.time_base
            if seconds > MAX_VERIFY_SECONDS:
                raise ValidationFailed(
                    "Videos longer than 15 minutes can't be checked.", code="too_long"
                )
            # The declared duration and frame count are the file's own word: only what was read
            # decides whether the request may do the work.
            budget = min(MAX_FRAMES, settings.VERIFY_INLINE_PIXELS // (width * height))
            if budget < 1 or size > settings.VERIFY_INLINE_MAX_BYTES:
                return 0
            return budget if _count_video_packets(container, budget + 1) <= budget else 0
    except ValidationFailed:
        raise
    except (av.FFmpegError, ValueError, UnicodeDecodeError) as exc:
        raise ValidationFailed(NOT_READABLE, code="not_video") from exc


def verify_upload(*, upload: IO[bytes], size: int) -> VerifyOutcome | VerifyCheck:
    """Check an upload now when that is quick, else queue it: the outcome, or the queued check."""
    if size <= 0:
        raise ValidationFailed("The file is empty.", code="empty_file")
    limit = settings.VERIFY_MAX_UPLOAD_BYTES
    if size > limit:
        raise PayloadTooLarge(f"The file is larger than {limit // (1024 * 1024)} MB.")
    folder = Path(tempfile.mkdtemp(prefix="verify-"))
    try:
        path = folder / "upload"
        with path.open("wb") as handle:
            shutil.copyfileobj(upload, handle, length=1024 * 1024)
        inline_frames = _probe(path, size=size)
        findings = check_file(path, max_frames=inline_frames) if inline_frames else None
        if findings is None:
            return _queue(path)
        return outcome_of(findings)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def check_file(path: Path, *, max_frames: int | None = None) -> dict[str, Any] | None:
    """C2PA and watermark findings for a probed video file, as JSON-ready data.

    With `max_frames` (the request's own check) at most one frame more is decoded, and a file
    that has more frames than that gives None: the caller hands it to a worker instead.
    """
    configure_provenance()
    key = provenance.current_watermark_key()
    try:
        if max_frames is None:
            detection = provenance.detect(path, key=key)
        else:
            luma, frames = average_luma(path, max_frames=max_frames + 1)
            if frames > max_frames:
                logger.info("verify.more_frames_than_counted", extra={"bound": max_frames})
                return None
            detection = detect_in_luma(luma, key, frames)
    except (av.FFmpegError, IndexError, ValueError) as exc:
        # A decodable header, but no frames the detector can read (or frames that change size).
        raise ValidationFailed(NOT_READABLE, code="not_video") from exc
    report = provenance.verify(path, trust_anchor_pem=trust_anchor_pem())
    return {
        "c2pa_state": report.state,
        "c2pa": report.to_dict(),
        "watermark_found": detection.found,
        "watermark_confidence": round(detection.confidence, 3),
        "watermark_id": detection.payload if detection.found else None,
    }


def outcome_of(findings: dict[str, Any]) -> VerifyOutcome:
    """What the findings say about this site's videos, as of now."""
    video = None
    if findings["watermark_id"] is not None:
        video = (
            Video.objects.select_related("owner")
            .filter(watermark_id=findings["watermark_id"])
            .first()
        )
    public = video is not None and (
        video.status == Video.Status.PUBLISHED and video.visibility == Video.Visibility.PUBLIC
    )
    logger.info(
        "verify.done",
        extra={
            "c2pa": findings["c2pa_state"],
            "watermark": findings["watermark_found"],
            "matched": video is not None,
        },
    )
    return VerifyOutcome(
        c2pa_state=findings["c2pa_state"],
        c2pa=findings["c2pa"],
        watermark_found=findings["watermark_found"],
        watermark_confidence=findings["watermark_confidence"],
        video=video if public else None,
        made_on=video.created_at.date() if video is not None and not public else None,
        from_this_site=findings["c2pa_state"] == "Trusted" or findings["watermark_found"],
    )


def spool_path(check_id: Any) -> Path:
    return Path(settings.VERIFY_SPOOL_DIR) / str(check_id)


def _queue(path: Path) -> VerifyCheck:
    from videos.tasks import verify_check

    Path(settings.VERIFY_SPOOL_DIR).mkdir(parents=True, exist_ok=True)
    with transaction.atomic():
        check = VerifyCheck.objects.create()
        target = spool_path(check.id)
        shutil.move(str(path), target)
        transaction.on_commit(lambda: verify_check.send(str(check.id)))
    logger.info("verify.queued", extra={"check": str(check.id)})
    return check


def verify_check_run(check_id: str) -> None:
    """The worker's side of a queued check: once per check, the file deleted whatever happens."""
    with transaction.atomic():
        check = VerifyCheck.objects.select_for_update().filter(id=check_id).first()
        if check is None or check.status != VerifyCheck.Status.QUEUED:
            return  # done, running elsewhere, or purged: a redelivered message does nothing
        check.status = VerifyCheck.Status.RUNNING
        check.save(update_fields=["status"])
    path = spool_path(check.id)
    findings: dict[str, Any] | None = None
    error = ""
    try:
        if not path.exists():
            error = "The uploaded file was no longer there to check."
        else:
            findings = check_file(path)
    except ValidationFailed as exc:
        error = exc.detail
    except Exception:  # the page must say the check failed, not wait for ever
        logger.exception("verify.failed", extra={"check": str(check.id)})
        error = "The check could not be completed. Please try again."
    finally:
        path.unlink(missing_ok=True)
    VerifyCheck.objects.filter(id=check.id).update(
        status=VerifyCheck.Status.DONE if findings is not None else VerifyCheck.Status.FAILED,
        findings=findings,
        error=error[:200],
        finished_at=timezone.now(),
    )


def verify_check_get(check_id: Any) -> VerifyCheck | None:
    return VerifyCheck.objects.filter(id=check_id).first()


def verify_checks_purge() -> int:
    """Fail checks that never finished, forget checks older than VERIFY_RESULT_SECONDS, and
    delete any spool file left behind. Returns how many checks were forgotten."""
    now = timezone.now()
    # A worker killed mid-check, or a message lost with an in-memory broker: past the actor's
    # own time limit nothing will finish it, so the waiting page is told instead of refreshing
    # until the purge.
    abandoned = list(
        VerifyCheck.objects.filter(
            status__in=(VerifyCheck.Status.QUEUED, VerifyCheck.Status.RUNNING),
            created_at__lt=now - dt.timedelta(seconds=VERIFY_ABANDONED_SECONDS),
        ).values_list("id", flat=True)
    )
    for check_id in abandoned:
        spool_path(check_id).unlink(missing_ok=True)
    VerifyCheck.objects.filter(id__in=abandoned).update(
        status=VerifyCheck.Status.FAILED,
        error="The check did not finish. Please upload the file again.",
        finished_at=now,
    )
    cutoff = now - dt.timedelta(seconds=settings.VERIFY_RESULT_SECONDS)
    stale = list(VerifyCheck.objects.filter(created_at__lt=cutoff).values_list("id", flat=True))
    for check_id in stale:
        spool_path(check_id).unlink(missing_ok=True)
    VerifyCheck.objects.filter(id__in=stale).delete()
    spool = Path(settings.VERIFY_SPOOL_DIR)
    if spool.is_dir():
        known = {str(i) for i in VerifyCheck.objects.values_list("id", flat=True)}
        for orphan in spool.iterdir():
            if orphan.name not in known and orphan.stat().st_mtime < cutoff.timestamp():
                orphan.unlink(missing_ok=True)
    return len(stale)
