"""Taking a video elsewhere: download, the embeddable player other sites may frame, oEmbed.
Thin: parse, call one selector, render."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET, require_http_methods

from sora_site.core.errors import NotFound
from sora_site.core.media import serve_stored_file
from videos import selectors, sharing

# The embed page alone may be framed, by any site: it shows only what anyone may watch.
EMBED_POLICY = settings.CONTENT_SECURITY_POLICY.replace(
    "frame-ancestors 'none'", "frame-ancestors *"
)


def _viewer_id(request: HttpRequest) -> int | None:
    return request.user.pk if request.user.is_authenticated else None


@require_http_methods(["GET", "HEAD"])
def video_download(request: HttpRequest, public_id: str) -> HttpResponse | StreamingHttpResponse:
    """The MP4 as stored (visible watermark and C2PA manifest intact), as an attachment named
    after the caption. Anyone who may watch it, unless the creator turned downloads off."""
    try:
        video = selectors.video_viewable(viewer_id=_viewer_id(request), public_id=public_id)
    except NotFound as exc:
        raise Http404(exc.detail) from exc
    if not video.video_file.name:
        raise Http404("Not ready yet.")
    is_owner = video.owner_id == _viewer_id(request)
    if not is_owner and not (video.is_published and video.allow_download):
        return render(request, "videos/download_off.html", {"video": video}, status=403)
    return serve_stored_file(
        request,
        video.video_file.name,
        content_type="video/mp4",
        private=not video.open_to_everyone,
        download_name=sharing.download_name(video),
    )


@xframe_options_exempt
@require_GET
def video_embed(request: HttpRequest, public_id: str) -> HttpResponse:
    try:
        video = selectors.video_public(public_id=public_id)
    except NotFound:
        response = render(request, "videos/embed.html", {"video": None}, status=404)
    else:
        size = sharing.frame_size(video)
        response = render(request, "videos/embed.html", {"video": video, "size": size})
    response["Content-Security-Policy"] = EMBED_POLICY
    return response


def _error(detail: str, code: str, status: int) -> JsonResponse:
    return JsonResponse({"detail": detail, "code": code}, status=status)


def _bound(request: HttpRequest, name: str) -> int | None:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= 10_000:
        raise ValueError(f"{name} must be a whole number of pixels from 1 to 10000.")
    return int(raw)


@require_GET
def oembed(request: HttpRequest) -> JsonResponse:
    """oEmbed 1.0 (https://oembed.com): `?url=<a video page or embed URL>&maxwidth=&maxheight=`.
    JSON only (XML is 501 as the spec says); a video that is not public is 404, like a missing
    one, so nothing leaks."""
    if request.GET.get("format", "json") != "json":
        return _error("Only format=json is served.", "format_not_implemented", 501)
    url = request.GET.get("url", "").strip()
    if not url:
        return _error("Give the video's address as ?url=.", "url_required", 400)
    try:
        max_width, max_height = _bound(request, "maxwidth"), _bound(request, "maxheight")
    except ValueError as exc:
        return _error(str(exc), "invalid_size", 400)
    try:
        parts = urlsplit(url)
    except ValueError:
        return _error("That is not a web address.", "invalid_url", 400)
    if parts.netloc and parts.netloc != request.get_host():
        return _error("That address is not a video on this site.", "not_found", 404)
    try:
        match = resolve(parts.path or "/")
    except Resolver404:
        match = None
    if match is None or match.view_name not in {"videos:video", "videos:embed"}:
        return _error("That address is not a video on this site.", "not_found", 404)
    try:
        video = selectors.video_public(public_id=match.kwargs["public_id"])
    except NotFound:
        return _error("No such video.", "not_found", 404)
    answer = sharing.oembed(
        video, request.build_absolute_uri, max_width=max_width, max_height=max_height
    )
    return JsonResponse(answer)
