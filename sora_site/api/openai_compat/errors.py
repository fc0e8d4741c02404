"""Errors in OpenAI's shape: `{"error": {"message", "type", "param", "code"}}`.

The /api/v1/ handler decides status, code, message and headers (Retry-After on 429,
WWW-Authenticate on 401) for every exception; this one only reshapes its body, so both ways in
answer the same request with the same status. The statuses are the ones the openai SDK maps to
its exception classes (400 BadRequestError, 401 AuthenticationError, 403 PermissionDeniedError,
404 NotFoundError, 409 ConflictError, 429 RateLimitError).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions
from rest_framework.response import Response

from sora_site.api.errors import api_exception_handler
from sora_site.core.errors import ValidationFailed

ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    409: "conflict_error",
    413: "invalid_request_error",
    415: "invalid_request_error",
    429: "rate_limit_error",
}
# Service codes that name the input they are about, in OpenAI's parameter names.
PARAM_OF_CODE = {
    "prompt": "prompt",
    "moderation_blocked": "prompt",
    "empty_edit": "prompt",
    "edit_too_long": "prompt",
    "duration": "seconds",
    "aspect": "size",
    "resolution": "size",
    "name_required": "name",
    "too_long": "name",
    "invalid_cursor": "after",
}


class BadParameter(ValidationFailed):
    """A 400 about one request parameter, named in the error's `param`."""

    def __init__(self, detail: str, *, param: str | None, code: str = "invalid_value") -> None:
        super().__init__(detail, code=code)
        self.param = param


def error_body(
    *, status: int, message: str, code: str | None, param: str | None = None
) -> dict[str, Any]:
    error_type = ERROR_TYPES.get(
        status, "server_error" if status >= 500 else "invalid_request_error"
    )
    return {"error": {"message": message, "type": error_type, "param": param, "code": code}}


def _param(exc: Exception, body: dict[str, Any]) -> str | None:
    param = getattr(exc, "param", None)
    if param:
        return str(param)
    if isinstance(exc, exceptions.ValidationError) and isinstance(exc.detail, dict):
        return next(iter(exc.detail), None)
    return PARAM_OF_CODE.get(str(body.get("code")))


def openai_exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    response = api_exception_handler(exc, context)
    body = response.data if isinstance(response.data, dict) else {}
    response.data = error_body(
        status=response.status_code,
        message=str(body.get("detail", "Something went wrong.")),
        code=body.get("code"),
        param=_param(exc, body),
    )
    return response


@csrf_exempt  # it changes nothing; without this a POST here would get CSRF's HTML page
def openai_not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Any unknown path under /v1/ answers in OpenAI's shape, not the HTML 404 page."""
    return JsonResponse(
        error_body(status=404, message="No such endpoint.", code="not_found"), status=404
    )
