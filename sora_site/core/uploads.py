"""Upload bodies refused before they are read.

Django reads a multipart body in full - spooling every file to disk - the first time anything
touches `request.POST` or `request.FILES`, and CSRF middleware does that before any view can
look at the size. So the limit is declared on the view (`@upload_limit(...)`, on a function view
or a DRF view class) and enforced here, from the declared Content-Length, ahead of CSRF:

- `UploadLimitMiddleware` (Django): a body declared over the view's limit (or over
  UPLOAD_MAX_BYTES for any other view) gets a 413 - JSON `{"detail", "code"}` under /api/,
  OpenAI's `{"error": {...}}` under /v1/, a page elsewhere - with the body unread; an
  unreadable Content-Length gets a 400. An upload view sent a chunked body (no length) gets a
  411: Django would see an empty form.
- `UploadLimitASGIMiddleware` (around Django's ASGI handler): Django's ASGI handler copies the
  whole body before any middleware runs, so under ASGI the same limits are applied to the
  declared length first and, for a body without one, to the bytes as they arrive - it stops
  receiving at the limit and answers 413 itself. (daphne buffers a body before the application
  sees it: behind daphne the balancer's own body limit is what spares its disk - README.)
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, TypeVar

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve

# Room for the multipart boundaries and the form's other fields around the file(s).
UPLOAD_OVERHEAD = 256 * 1024
_LIMIT_ATTR = "upload_max_bytes"
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
_JSON_PREFIXES = ("/api/", "/v1/")

V = TypeVar("V")
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


def upload_limit(max_file_bytes: Callable[[], int]) -> Callable[[V], V]:
    """Mark a view (function, or DRF view class) as taking uploads of at most
    `max_file_bytes()` bytes in all; read at request time, so a setting can change it."""

    def mark(view: V) -> V:
        setattr(view, _LIMIT_ATTR, max_file_bytes)
        return view

    return mark


def _declared_limit(view: Any) -> Callable[[], int] | None:
    # functools.wraps copies a function's __dict__ outwards through login_required and friends;
    # DRF's as_view() keeps the class as `cls`.
    found = getattr(view, _LIMIT_ATTR, None)
    if found is None:
        found = getattr(getattr(view, "cls", None), _LIMIT_ATTR, None)
    return found if callable(found) else None


def body_limit_for(path: str) -> tuple[int, bool]:
    """(most bytes of body the view at `path` takes, whether it declared an upload limit)."""
    try:
        match = resolve(path)
    except Resolver404:
        return int(settings.UPLOAD_MAX_BYTES), False
    declared = _declared_limit(match.func)
    if declared is None:
        return int(settings.UPLOAD_MAX_BYTES), False
    return int(declared()) + UPLOAD_OVERHEAD, True


def _megabytes(limit: int) -> int:
    return max(1, (limit - UPLOAD_OVERHEAD) // (1024 * 1024))


def too_large_message(limit: int) -> str:
    return f"The upload is larger than {_megabytes(limit)} MB, the most this page takes."


def _wants_json(path: str) -> bool:
    return path.startswith(_JSON_PREFIXES)


def _json_refusal(path: str, detail: str, code: str) -> dict[str, object]:
    """The API's error shape: OpenAI's under /v1/ (what the openai SDK parses), ours elsewhere."""
    if path.startswith("/v1/"):
        return {
            "error": {
                "message": detail,
                "type": "invalid_request_error",
                "param": None,
                "code": code,
            }
        }
    return {"detail": detail, "code": code}


def _refusal(request: HttpRequest, status: int, detail: str, code: str) -> HttpResponseBase:
    if _wants_json(request.path_info):
        body = _json_refusal(request.path_info, detail, code)
        response: HttpResponseBase = JsonResponse(body, status=status)
    else:
        response = render(
            request, "upload_refused.html", {"detail": detail, "status": status}, status=status
        )
    # The unread body is still on the connection: do not offer to keep it alive.
    response["Connection"] = "close"
    return response


class UploadLimitMiddleware:
    """Refuse an over-limit body from its Content-Length, before CSRF (or anything) reads it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.method in _BODY_METHODS:
            refused = self._check(request)
            if refused is not None:
                return refused
        return self.get_response(request)

    def _check(self, request: HttpRequest) -> HttpResponseBase | None:
        limit, is_upload = body_limit_for(request.path_info)
        raw = request.META.get("CONTENT_LENGTH") or ""
        if raw:
            try:
                declared = int(raw)
            except ValueError:
                declared = -1
            if declared < 0:
                return _refusal(
                    request, 400, "The upload's declared length is not a number.", "bad_length"
                )
            if declared > limit:
                return _refusal(request, 413, too_large_message(limit), "request_too_large")
        elif is_upload and "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
            return _refusal(
                request, 411, "Send the file with its length (Content-Length).", "length_required"
            )
        return None


class UploadLimitASGIMiddleware:
    """The same limits for an ASGI server, applied before Django's handler copies the body."""

    def __init__(self, app: Callable[..., Awaitable[None]]) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method", "").upper() not in _BODY_METHODS:
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        limit, _ = body_limit_for(path)
        headers = dict(scope.get("headers") or [])
        raw = headers.get(b"content-length", b"")
        if raw.strip().isdigit() and int(raw) > limit:
            await _send_too_large(send, path, limit)
            return
        if raw:  # measured and within the limit (or malformed: Django answers that)
            await self.app(scope, receive, send)
            return
        received = 0
        over = False
        started = False

        async def counting_receive() -> Message:
            nonlocal received, over
            if over:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # Django's handler stops reading at a disconnect and answers nothing.
                    over = True
                    return {"type": "http.disconnect"}
            return message

        async def watching_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        await self.app(scope, counting_receive, watching_send)
        if over and not started:
            await _send_too_large(send, path, limit)


async def _send_too_large(send: Send, path: str, limit: int) -> None:
    detail = too_large_message(limit)
    if _wants_json(path):
        body = json.dumps(_json_refusal(path, detail, "request_too_large")).encode()
        content_type = b"application/json"
    else:
        # Plain on purpose: no request object (session, user) exists yet to render a page with.
        body = (
            "<!doctype html><html lang=en><meta charset=utf-8><title>Upload too large</title>"
            f"<h1>Upload too large</h1><p>{detail}</p></html>"
        ).encode()
        content_type = b"text/html; charset=utf-8"
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", content_type),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
