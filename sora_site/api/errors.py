"""Every API error is JSON `{"detail": ..., "code": ...}` with the right status.

ApplicationErrors (raised by the services) keep their status and code; DRF's errors keep theirs
(and their headers, such as Retry-After and WWW-Authenticate); Django's Http404 and
PermissionDenied are translated; a database that is busy or away answers 503 with Retry-After;
anything unexpected is logged and answered with a JSON 500.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.db import OperationalError
from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from sora_site.core.errors import (
    ApplicationError,
    LimitExceeded,
    PayloadTooLarge,
    ValidationFailed,
)

# A limit that does not know when it frees up (the active-job cap: when a job ends).
DEFAULT_RETRY_AFTER_SECONDS = 60
# A database that refused for now (SQLite's lock, a PostgreSQL lock timeout or restart); the
# request's own transaction rolled back, so the same request may simply be sent again.
BUSY_RETRY_AFTER_SECONDS = 2
logger = logging.getLogger(__name__)


def _first_message(detail: Any) -> str:
    """The first readable message of a DRF detail (string, list or dict of them)."""
    if isinstance(detail, dict):
        for field, value in detail.items():
            message = _first_message(value)
            return message if field == "non_field_errors" else f"{field}: {message}"
        return "Invalid input."
    if isinstance(detail, list):
        return _first_message(detail[0]) if detail else "Invalid input."
    return str(detail)


def _first_code(detail: Any, fallback: str) -> str:
    if isinstance(detail, dict):
        return _first_code(next(iter(detail.values()), None), fallback) if detail else fallback
    if isinstance(detail, list):
        return _first_code(detail[0], fallback) if detail else fallback
    return str(getattr(detail, "code", None) or fallback)


def _request_refused(exc: SuspiciousOperation) -> ApplicationError:
    """Django's refusals of a request body, which DRF raises wherever the body is first read
    (for a Bearer token: inside authentication, before any view)."""
    if isinstance(exc, RequestDataTooBig):
        return PayloadTooLarge(
            f"The request body is over {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes.",
            code="request_too_large",
        )
    return ValidationFailed("The request is malformed.", code="malformed_request")


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    if isinstance(exc, SuspiciousOperation):
        exc = _request_refused(exc)
    if isinstance(exc, ApplicationError):
        status = exc.status if 400 <= exc.status < 600 else 400
        response = Response({"detail": exc.detail, "code": exc.code}, status=status)
        if isinstance(exc, LimitExceeded):
            response["Retry-After"] = str(exc.retry_after or DEFAULT_RETRY_AFTER_SECONDS)
        return response
    if isinstance(exc, OperationalError):  # the database is busy or away: worth a retry
        logger.warning("api.database_unavailable", extra={"error": str(exc)[:200]})
        response = Response(
            {"detail": "The service is busy; try again in a moment.", "code": "unavailable"},
            status=503,
        )
        response["Retry-After"] = str(BUSY_RETRY_AFTER_SECONDS)
        return response
    if isinstance(exc, Http404):
        exc = exceptions.NotFound("Not found.")
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        view = context.get("view")
        logger.exception("api.unexpected_error", extra={"view": type(view).__name__})
        return Response(
            {"detail": "Something went wrong on our side.", "code": "server_error"}, status=500
        )
    assert isinstance(exc, exceptions.APIException)
    body: dict[str, Any] = {
        "detail": _first_message(exc.detail),
        "code": _first_code(exc.detail, exc.default_code),
    }
    if isinstance(exc, exceptions.ValidationError):
        body["code"] = "invalid"
        body["errors"] = exc.detail
    response.data = body
    return response


@csrf_exempt  # it changes nothing; without this a POST here would get CSRF's HTML page
def json_not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Any unknown path under /api/ answers JSON, not the HTML 404 page."""
    return JsonResponse({"detail": "No such endpoint.", "code": "not_found"}, status=404)
