"""HTML pages and media of the videos app. Thin: parse, call one service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cameos import selectors as cameo_selectors
from cameos.permissions import CameoRefused
from sora_site.core.errors import ApplicationError, NotFound
from sora_site.core.media import serve_stored_file
from videos import options, selectors, services, sharing
from videos.forms import CreateForm, PublishForm
from videos.models import GenerationJob

FIELD_FOR_CODE = {
    "prompt": "prompt",
    "duration": "duration",
    "aspect": "aspect",
    "resolution": "resolution",
    "style": "style",
    "camera": "camera",
    "seed": "seed",
    # Cameo problems about the picks themselves show by the picker; consent refusals (which
    # may come from an @mention) show above the form, restrictions by the prompt.
    "too_many_cameos": "cameos",
    "invalid_cameo": "cameos",
    "no_cameo": "cameos",
    "cameo_restricted": "prompt",
}


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    form = CreateForm(
        request.POST or None,
        cameo_choices=cameo_selectors.cameos_available_for(user=request.user),  # type: ignore[arg-type]
        viewer_id=_uid(request),
    )
    status = 200
    ask_for = None  # a cameo the prompt named that its owner could let this person use
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                job = services.generation_request(
                    user=request.user,  # type: ignore[arg-type]
                    prompt=data["prompt"],
                    duration=data["duration"],
                    aspect=data["aspect"],
                    resolution=data["resolution"],
                    style=data["style"],
                    camera=data["camera"],
                    seed=data["seed"],
                    cameo_ids=data["cameos"],
                )
            except ApplicationError as exc:
                form.add_error(FIELD_FOR_CODE.get(exc.code), exc.detail)
                status = exc.status if exc.status < 500 else 400
                if isinstance(exc, CameoRefused) and exc.askable:
                    ask_for = cameo_selectors.cameo_visible(cameo_id=exc.cameo_id or 0)
            else:
                messages.success(request, "Your video is being made. It will appear here.")
                return redirect(f"{reverse('videos:drafts')}#draft-{job.video.public_id}")
        else:
            status = 400
    per_second = selectors.generation_seconds_per_video_second()
    context = {
        "form": form,
        "per_second": f"{per_second:.3f}",
        "estimate": selectors.generation_estimate_seconds(duration=_chosen_duration(form)),
        "active_jobs": list(selectors.active_jobs_for_user(user_id=_uid(request))),
        "ask_for": ask_for,
    }
    return render(request, "videos/create.html", context, status=status)


def _chosen_duration(form: CreateForm) -> int:
    """The length the estimate is for: the posted one only once the form has accepted it, so a
    hand-made value ("abc", "1e9") gets the form's own error instead of breaking the page."""
    chosen = getattr(form, "cleaned_data", {}).get("duration")
    return chosen if isinstance(chosen, int) else options.DEFAULT_DURATION


@login_required
@require_GET
def drafts(request: HttpRequest) -> HttpResponse:
    context = {
        "drafts": list(selectors.drafts_for_user(user_id=_uid(request))),
        "published": list(selectors.published_for_user(user_id=_uid(request))[:50]),
        "publish_form": PublishForm(),
        "per_second": f"{selectors.generation_seconds_per_video_second():.3f}",
    }
    return render(request, "videos/drafts.html", context)


@login_required
@require_GET
@never_cache
def draft_card(request: HttpRequest, public_id: str) -> HttpResponse:
    """One draft's card, as the Drafts page renders it: the page fetches it when a job started
    elsewhere (another tab, the API) reports progress. Only the owner's drafts; 404 otherwise."""
    video = selectors.drafts_for_user(user_id=_uid(request)).filter(public_id=public_id).first()
    if video is None:
        raise Http404("No such draft.")
    context = {
        "video": video,
        "show_publish": True,
        "per_second": f"{selectors.generation_seconds_per_video_second():.3f}",
    }
    return render(request, "videos/_job_card.html", context)


def _draft_action(request: HttpRequest, public_id: str, action: str) -> HttpResponse:
    user = request.user
    try:
        if action == "cancel":
            job = services.job_cancel(user=user, video_public_id=public_id)  # type: ignore[arg-type]
            done = "Cancelled." if job.status == GenerationJob.Status.CANCELLED else "Cancelling…"
        elif action == "retry":
            services.job_retry(user=user, video_public_id=public_id)  # type: ignore[arg-type]
            done = "Trying again."
        elif action == "delete":
            services.video_delete_draft(user=user, public_id=public_id)  # type: ignore[arg-type]
            done = "Draft deleted."
        elif action == "unpublish":
            services.video_unpublish(user=user, public_id=public_id)  # type: ignore[arg-type]
            done = "Unpublished: it is a draft again."
        else:
            raise Http404
    except NotFound as exc:
        raise Http404(exc.detail) from exc
    except ApplicationError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, done)
    return redirect(f"{reverse('videos:drafts')}#draft-{public_id}")


@login_required
@require_POST
def draft_cancel(request: HttpRequest, public_id: str) -> HttpResponse:
    return _draft_action(request, public_id, "cancel")


@login_required
@require_POST
def draft_retry(request: HttpRequest, public_id: str) -> HttpResponse:
    return _draft_action(request, public_id, "retry")


@login_required
@require_POST
def draft_delete(request: HttpRequest, public_id: str) -> HttpResponse:
    return _draft_action(request, public_id, "delete")


@login_required
@require_POST
def video_unpublish(request: HttpRequest, public_id: str) -> HttpResponse:
    return _draft_action(request, public_id, "unpublish")


@login_required
@require_POST
def draft_publish(request: HttpRequest, public_id: str) -> HttpResponse:
    form = PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Check the caption (at most 500 characters) and who can see it.")
        return redirect(f"{reverse('videos:drafts')}#draft-{public_id}")
    try:
        video = services.video_publish(
            user=request.user,  # type: ignore[arg-type]
            public_id=public_id,
            caption=form.cleaned_data["caption"],
            visibility=form.cleaned_data["visibility"],
            adult_only=form.cleaned_data["adult_only"],
            allow_remix=form.cleaned_data["allow_remix"],
        )
    except NotFound as exc:
        raise Http404(exc.detail) from exc
    except ApplicationError as exc:
        messages.error(request, exc.detail)
        return redirect(f"{reverse('videos:drafts')}#draft-{public_id}")
    messages.success(request, "Published.")
    return redirect("videos:video", public_id=video.public_id)


def _uid(request: HttpRequest) -> int:
    user_id = request.user.pk
    assert user_id is not None  # only called behind login_required
    return int(user_id)


def _viewer_id(request: HttpRequest) -> int | None:
    return request.user.pk if request.user.is_authenticated else None


@login_required
@require_POST
def video_settings(request: HttpRequest, public_id: str) -> HttpResponse:
    """The owner's "Allow remixes" and "Allow downloads" boxes (an unticked box is not posted:
    off)."""
    allow_remix = request.POST.get("allow_remix") == "1"
    allow_download = request.POST.get("allow_download") == "1"
    try:
        video = services.video_settings_change(
            user=request.user,  # type: ignore[arg-type]
            public_id=public_id,
            allow_remix=allow_remix,
            allow_download=allow_download,
        )
    except NotFound as exc:
        raise Http404(exc.detail) from exc
    remixes = "Remixes allowed" if allow_remix else "Remixes off"
    downloads = "downloads allowed" if allow_download else "downloads off"
    messages.success(request, f"Saved: {remixes}, {downloads}.")
    if video.is_published:
        return redirect("videos:video", public_id=video.public_id)
    return redirect(f"{reverse('videos:drafts')}#draft-{video.public_id}")


@require_GET
def video_page(request: HttpRequest, public_id: str) -> HttpResponse:
    try:
        video = selectors.video_viewable(viewer_id=_viewer_id(request), public_id=public_id)
    except NotFound as exc:
        raise Http404(exc.detail) from exc
    if not video.is_published and video.owner_id == _viewer_id(request):
        return redirect(f"{reverse('videos:drafts')}#draft-{public_id}")
    remix_parent = None
    if video.parent is not None:
        try:
            remix_parent = selectors.video_viewable(
                viewer_id=_viewer_id(request), public_id=video.parent.public_id
            )
        except NotFound:  # removed or private: shown as "no longer available", nothing leaks
            remix_parent = None
    context = {
        "video": video,
        "remix_parent": remix_parent,
        "preview_tags": sharing.link_preview_tags(video, request.build_absolute_uri),
        "oembed_url": sharing.oembed_discovery_url(video, request.build_absolute_uri),
    }
    return render(request, "videos/video.html", context)


def _media(
    request: HttpRequest, public_id: str, field: str, content_type: str
) -> HttpResponse | StreamingHttpResponse:
    try:
        video = selectors.video_viewable(viewer_id=_viewer_id(request), public_id=public_id)
    except NotFound as exc:
        raise Http404(exc.detail) from exc
    name = getattr(video, field).name
    if not name:
        raise Http404("Not ready yet.")
    # Shared caches key on the URL alone: only what any visitor may watch can be stored there.
    return serve_stored_file(
        request, name, content_type=content_type, private=not video.open_to_everyone
    )


@require_http_methods(["GET", "HEAD"])
def media_video(request: HttpRequest, public_id: str) -> HttpResponse | StreamingHttpResponse:
    return _media(request, public_id, "video_file", "video/mp4")


@require_http_methods(["GET", "HEAD"])
def media_poster(request: HttpRequest, public_id: str) -> HttpResponse | StreamingHttpResponse:
    return _media(request, public_id, "poster_file", "image/jpeg")
