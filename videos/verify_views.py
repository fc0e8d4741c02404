from __future__ import annotations

import uuid

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from sora_site.core.client_ip import client_ip
from sora_site.core.errors import ApplicationError, LimitExceeded
from sora_site.core.uploads import upload_limit
from videos.models import VerifyCheck
from videos.verify import (
    outcome_of,
    verify_check_get,
    verify_rate_take,
    verify_upload,
)

PENDING_REFRESH_SECONDS = 2


def _context() -> dict[str, object]:
    return {"max_mb": settings.VERIFY_MAX_UPLOAD_BYTES // (1024 * 1024)}


@upload_limit(lambda: settings.VERIFY_MAX_UPLOAD_BYTES)
@require_http_methods(["GET", "POST"])
def verify_page(request: HttpRequest) -> HttpResponse:
    """Anyone may check a file; nothing uploaded is kept after the answer."""
    context = _context()
    if request.method == "GET":
        return render(request, "videos/verify.html", context)
    # An oversized or unmeasured body was refused before it was read (core.uploads).
    try:
        verify_rate_take(client=client_ip(request) or "unknown")
    except LimitExceeded as error:
        context["error"] = error.detail
        response = render(request, "videos/verify.html", context, status=error.status)
        response["Retry-After"] = str(error.retry_after)
        return response
    upload = request.FILES.get("file")
    if upload is None:
        context["error"] = "Choose a video file to check."
        return render(request, "videos/verify.html", context, status=400)
    try:
        result = verify_upload(upload=upload, size=upload.size or 0)
    except ApplicationError as error:
        context["error"] = error.detail
        return render(request, "videos/verify.html", context, status=error.status)
    if isinstance(result, VerifyCheck):  # a large file: a worker checks it, this page waits
        return redirect("verify-check", check_id=result.id)
    context["outcome"] = result
    return render(request, "videos/verify.html", context)


@require_GET
def verify_check_page(request: HttpRequest, check_id: uuid.UUID) -> HttpResponse:
    """The findings of a queued check; refreshes itself until the worker is done."""
    check = verify_check_get(check_id)
    if check is None:
        raise Http404("No such check (results are kept for an hour).")
    context = _context()
    if check.status == VerifyCheck.Status.DONE and check.findings is not None:
        context["outcome"] = outcome_of(check.findings)
    elif check.status == VerifyCheck.Status.FAILED:
        context["error"] = check.error or "The check could not be completed."
    else:
        context["pending"] = check
        context["refresh_seconds"] = PENDING_REFRESH_SECONDS
    return render(request, "videos/verify.html", context)
