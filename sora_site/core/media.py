"""Serving stored media files (videos, posters, identity-check clips): HTTP Range on local disk,
presigned URLs on S3. Shared by the videos, cameos and moderation rooms."""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator, Iterator
from typing import IO

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.handlers.asgi import ASGIRequest
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.utils.http import content_disposition_header, http_date

CHUNK = 64 * 1024
# ASCII digits, at most 20: a longer number is past any file, and int() refuses over 4300 digits.
RANGE_RE = re.compile(r"^bytes=([0-9]{0,20})-([0-9]{0,20})$")


class RangeNotSatisfiable(Exception):
    pass


def parse_range(header: str, size: int) -> tuple[int, int] | None:
    """(first, last) inclusive for a single byte range; None means "send the whole file".

    Several ranges at once are answered with the whole file (RFC 9110 lets a server ignore
    Range); a syntactically valid range that lies outside the file raises RangeNotSatisfiable.
    """
    header = header.strip()
    if not header:
        return None
    if "," in header:
        return None
    match = RANGE_RE.match(header.replace(" ", ""))
    if match is None:
        return None  # not a byte range we understand: ignore it, as the RFC allows
    first_text, last_text = match.groups()
    if not first_text and not last_text:
        raise RangeNotSatisfiable
    if not first_text:  # suffix: the last N bytes
        suffix = int(last_text)
        if suffix == 0 or size == 0:
            raise RangeNotSatisfiable
        return max(0, size - suffix), size - 1
    first = int(first_text)
    last = int(last_text) if last_text else size - 1
    if first >= size or last < first:
        raise RangeNotSatisfiable
    return first, min(last, size - 1)


def _sync_chunks(handle: IO[bytes], remaining: int) -> Iterator[bytes]:
    try:
        while remaining > 0:
            data = handle.read(min(CHUNK, remaining))
            if not data:
                break
            remaining -= len(data)
            yield data
    finally:
        handle.close()


async def _async_chunks(handle: IO[bytes], remaining: int) -> AsyncIterator[bytes]:
    try:
        while remaining > 0:
            data = await sync_to_async(handle.read, thread_sensitive=False)(min(CHUNK, remaining))
            if not data:
                break
            remaining -= len(data)
            yield data
    finally:
        await sync_to_async(handle.close, thread_sensitive=False)()


def uses_presigned_urls() -> bool:
    return bool(getattr(settings, "AWS_STORAGE_BUCKET_NAME", ""))


def serve_stored_file(
    request: HttpRequest,
    name: str,
    *,
    content_type: str,
    private: bool,
    download_name: str | None = None,
) -> HttpResponse | StreamingHttpResponse:
    """`private` must be true for anything some visitor may not watch: a "public" response may
    be stored by a shared cache and handed to whoever asks for the same URL next.
    `download_name`: sent as an attachment under that file name (a "Download" button)."""
    cache_control = "private, max-age=60" if private else "public, max-age=3600"
    disposition = content_disposition_header(True, download_name) if download_name else None
    if uses_presigned_urls():
        # The bucket is private; the URL carries a signature that expires in minutes (and, for a
        # download, tells the bucket which Content-Disposition to answer with).
        parameters = {"ResponseContentDisposition": disposition} if disposition else None
        url = (
            default_storage.url(name, parameters=parameters)  # type: ignore[call-arg]
            if parameters
            else default_storage.url(name)
        )
        response: HttpResponse | StreamingHttpResponse = HttpResponseRedirect(url)
        response["Cache-Control"] = "private, no-store"
        return response
    size = default_storage.size(name)
    try:
        byte_range = parse_range(request.headers.get("Range", ""), size)
    except RangeNotSatisfiable:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        response["Accept-Ranges"] = "bytes"
        return response
    first, last = byte_range if byte_range is not None else (0, size - 1)
    length = max(0, last - first + 1)
    if request.method == "HEAD":
        response = HttpResponse(status=206 if byte_range else 200)
    else:
        handle = default_storage.open(name, "rb")
        if first:
            handle.seek(first)
        # Under ASGI an async iterator streams without Django buffering the whole body.
        content: Iterator[bytes] | AsyncIterator[bytes] = (
            _async_chunks(handle, length)
            if isinstance(request, ASGIRequest)
            else _sync_chunks(handle, length)
        )
        response = StreamingHttpResponse(content, status=206 if byte_range else 200)
    response["Content-Type"] = content_type
    response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = cache_control
    if disposition:
        response["Content-Disposition"] = disposition
    if byte_range is not None:
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
    with contextlib.suppress(NotImplementedError, OSError):
        response["Last-Modified"] = http_date(default_storage.get_modified_time(name).timestamp())
    return response
