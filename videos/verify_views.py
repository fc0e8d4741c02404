from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from sora_site.core.errors import ApplicationError
from videos.verify import verify_upload


@require_http_methods(["GET", "POST"])
def verify_page(request: HttpRequest) -> HttpResponse:
    """Anyone may check a file; nothing uploaded is kept after the answer."""
    context: dict[str, object] = {"max_mb": settings.VERIFY_MAX_UPLOAD_BYTES // (1024 * 1024)}
    if request.method == "GET":
        return render(request, "videos/verify.html", context)
    # Refuse an oversized body from its declared length, before reading it.
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        context["error"] = "The upload's declared length is not a number."
        return render(request, "videos/verify.html", context, status=400)
    if declared > settings.VERIFY_MAX_UPLOAD_BYTES + 64 * 1024:
        context["error"] = f"The file is larger than {context['max_mb']} MB."
        return render(request, "videos/verify.html", context, status=413)
    upload = request.FILES.get("file")
    if upload is None:
        context["error"] = "Choose a video file to check."
        return render(request, "videos/verify.html", context, status=400)
    try:
        context["outcome"] = verify_upload(upload=upload, size=upload.size or 0)
    except ApplicationError as error:
        context["error"] = error.detail
        return render(request, "videos/verify.html", context, status=error.status)
    return render(request, "videos/verify.html", context)
