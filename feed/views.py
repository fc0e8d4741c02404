"""Feed pages and the small JSON endpoints the player calls. Thin: parse, call, render."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from accounts.social import block_create, block_delete, follow_create, follow_delete
from feed import selectors, services
from feed.prompts import make_your_own_prompts
from sora_site.core.errors import ApplicationError, ValidationFailed
from sora_site.core.json_depth import json_loads_bounded

JsonView = Callable[..., JsonResponse]


def json_errors(view: JsonView) -> JsonView:
    """ApplicationErrors become {"detail", "code"} with their status; a login is required."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
        if not request.user.is_authenticated:
            return JsonResponse(
                {"detail": "Log in first.", "code": "not_authenticated"}, status=401
            )
        try:
            return view(request, *args, **kwargs)
        except ApplicationError as error:
            return JsonResponse({"detail": error.detail, "code": error.code}, status=error.status)

    return wrapper


def _body(request: HttpRequest) -> dict[str, Any]:
    if request.content_type == "application/json":
        try:
            data = json_loads_bounded(request.body or b"{}")
        except (ValueError, UnicodeDecodeError):
            data = None
        if not isinstance(data, dict):
            raise ValidationFailed("Send a JSON object.", code="invalid_json")
        return data
    return request.POST.dict()


def _page_context(request: HttpRequest, page: selectors.FeedPage) -> dict[str, Any]:
    every = max(settings.FEED_CREATE_CARD_EVERY, 1)
    ideas = make_your_own_prompts()
    entries: list[dict[str, Any]] = []
    for index, item in enumerate(page.items, start=1):
        entries.append({"item": item})
        if index % every == 0:
            entries.append({"create_prompt": ideas[(index // every) % len(ideas)]})
    return {
        "page": page,
        "entries": entries,
        "break_after": settings.FEED_BREAK_AFTER_VIDEOS,
        "watched_seconds": settings.FEED_WATCHED_SECONDS,
        "daily_cap": settings.FEED_TEEN_DAILY_CAP,
    }


@require_GET
def feed(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        videos = selectors.public_feed_page(page_size=settings.FEED_PAGE_SIZE)
        return render(request, "feed/public.html", {"videos": videos})
    user = request.user
    try:
        page = selectors.feed_page(
            viewer=user, cursor=request.GET.get("cursor"), page_size=settings.FEED_PAGE_SIZE
        )
    except ApplicationError as error:
        return render(request, "feed/error.html", {"error": error}, status=error.status)
    template = "feed/_items.html" if request.GET.get("fragment") == "1" else "feed/feed.html"
    return render(request, template, _page_context(request, page))


@require_POST
@json_errors
def like(request: HttpRequest, public_id: str) -> JsonResponse:
    video = services.video_for_viewer(viewer=request.user, public_id=public_id)  # type: ignore[arg-type]
    liked = str(_body(request).get("liked", "true")).lower() in ("true", "1", "on")
    services.like_set(viewer=request.user, video=video, liked=liked)  # type: ignore[arg-type]
    stats = selectors.video_counters(video)
    return JsonResponse({"liked": liked, "likes": stats["likes"]})


@require_POST
@json_errors
def view(request: HttpRequest, public_id: str) -> JsonResponse:
    video = services.video_for_viewer(viewer=request.user, public_id=public_id)  # type: ignore[arg-type]
    try:
        seconds = float(_body(request).get("watch_seconds", 0))
    except (TypeError, ValueError) as exc:
        raise ValidationFailed("watch_seconds must be a number.") from exc
    services.view_record(viewer=request.user, video=video, watch_seconds=seconds)  # type: ignore[arg-type]
    remaining = selectors.remaining_today(request.user)  # type: ignore[arg-type]
    return JsonResponse({"ok": True, "remaining_today": remaining})


@require_POST
@json_errors
def see_less(request: HttpRequest, public_id: str) -> JsonResponse:
    video = services.video_for_viewer(viewer=request.user, public_id=public_id)  # type: ignore[arg-type]
    services.see_less(viewer=request.user, video=video)  # type: ignore[arg-type]
    return JsonResponse({"ok": True, "detail": "Got it: you'll see fewer videos like this."})


@json_errors
def comments(request: HttpRequest, public_id: str) -> JsonResponse:
    video = services.video_for_viewer(viewer=request.user, public_id=public_id)  # type: ignore[arg-type]
    if request.method == "POST":
        comment = services.comment_create(
            viewer=request.user,  # type: ignore[arg-type]
            video=video,
            text=str(_body(request).get("text", "")),
        )
        return JsonResponse(_comment_json(comment, request.user), status=201)  # type: ignore[arg-type]
    if request.method != "GET":
        return JsonResponse(
            {"detail": "Use GET or POST.", "code": "method_not_allowed"}, status=405
        )
    return JsonResponse(
        {"comments": [_comment_json(c, request.user) for c in selectors.comments_for(video)]}  # type: ignore[arg-type]
    )


def _comment_json(comment: Any, viewer: User) -> dict[str, Any]:
    return {
        "id": comment.pk,
        "author": comment.author.handle,
        "text": comment.text,
        "created_at": comment.created_at.isoformat(),
        "can_delete": viewer.pk in (comment.author_id, comment.video.owner_id),
        "can_report": viewer.is_authenticated and viewer.pk != comment.author_id,
    }


@require_POST
@json_errors
def comment_delete(request: HttpRequest, comment_id: int) -> JsonResponse:
    services.comment_delete(viewer=request.user, comment_id=comment_id)  # type: ignore[arg-type]
    return JsonResponse({"ok": True})


@require_POST
@json_errors
def follow(request: HttpRequest, handle: str) -> JsonResponse:
    target = get_object_or_404(User, handle=handle.lower(), is_active=True)
    following = str(_body(request).get("following", "true")).lower() in ("true", "1", "on")
    if following:
        follow_create(follower=request.user, followee=target)  # type: ignore[arg-type]
    else:
        follow_delete(follower=request.user, followee=target)  # type: ignore[arg-type]
    return JsonResponse({"following": following})


@require_POST
@json_errors
def block(request: HttpRequest, handle: str) -> JsonResponse:
    target = get_object_or_404(User, handle=handle.lower(), is_active=True)
    blocked = str(_body(request).get("blocked", "true")).lower() in ("true", "1", "on")
    if blocked:
        block_create(blocker=request.user, blocked=target)  # type: ignore[arg-type]
    else:
        block_delete(blocker=request.user, blocked=target)  # type: ignore[arg-type]
    return JsonResponse({"blocked": blocked})


@login_required
def tune(request: HttpRequest) -> HttpResponse:
    error = None
    if request.method == "POST":
        try:
            services.preference_set(viewer=request.user, text=request.POST.get("text", ""))  # type: ignore[arg-type]
        except ApplicationError as exc:
            error = exc.detail
        else:
            return redirect("feed:feed")
    preference = selectors.preference_for(request.user)  # type: ignore[arg-type]
    return render(
        request,
        "feed/tune.html",
        {"preference": preference, "error": error},
        status=400 if error else 200,
    )
