"""Remix form and lineage page. Thin: parse, call the service or selector, render."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from sora_site.core.errors import ApplicationError, NotFound
from videos import selectors
from videos.lineage import LineageNode, cursor_decode, lineage_for
from videos.services.remix import inherited_cameos, remix_parent, remix_request


@login_required
@require_http_methods(["GET", "POST"])
def remix(request: HttpRequest, public_id: str) -> HttpResponse:
    user = request.user
    try:
        parent = remix_parent(user=user, public_id=public_id)  # type: ignore[arg-type]
    except NotFound as exc:
        raise Http404(exc.detail) from exc
    except ApplicationError as error:
        return render(request, "videos/remix.html", {"error": error.detail}, status=error.status)
    context = {
        "parent": parent,
        "inherited": inherited_cameos(user=user, parent=parent),  # type: ignore[arg-type]
        "edit": "",
    }
    if request.method == "POST":
        context["edit"] = request.POST.get("edit", "")
        try:
            remix_request(
                user=user,  # type: ignore[arg-type]
                parent_public_id=public_id,
                edit=request.POST.get("edit", ""),
                drop_cameo_ids=request.POST.getlist("drop"),
            )
        except ApplicationError as error:
            context["error"] = error.detail
            return render(request, "videos/remix.html", context, status=error.status)
        return redirect(reverse("videos:drafts"))
    return render(request, "videos/remix.html", context)


@require_GET
def lineage(request: HttpRequest, public_id: str) -> HttpResponse:
    viewer_id = request.user.pk if request.user.is_authenticated else None
    try:
        video = selectors.video_viewable(viewer_id=viewer_id, public_id=public_id)
    except NotFound as exc:
        raise Http404(exc.detail) from exc
    try:
        cursor = cursor_decode(after=request.GET.get("after"), before=request.GET.get("before"))
    except ApplicationError:
        cursor = None  # a stale or edited page link: the first page
    tree = lineage_for(video=video, viewer_id=viewer_id, cursor=cursor)
    href = _video_href()
    context = {
        "tree": tree,
        "video": video,
        "ancestors": [_row(node, href) for node in tree.ancestors],
        "descendants": [_row(node, href) for node in tree.descendants],
    }
    return render(request, "videos/lineage.html", context)


TITLE_CHARS = 80


@dataclass(frozen=True)
class NodeRow:
    """One line of the family tree as the page shows it; empty when unavailable."""

    depth: int
    available: bool
    title: str = ""
    handle: str = ""
    href: str = ""


def _video_href() -> Callable[[str], str]:
    """A video page's URL from its public id with one reverse() per page: a deep tree shows
    250 nodes, and as many reverse() and truncatechars calls cost more than its queries."""
    marker = "publicid"
    pattern = reverse("videos:video", args=[marker])
    return lambda public_id: pattern.replace(marker, public_id, 1)


def _row(node: LineageNode, href: Callable[[str], str]) -> NodeRow:
    video = node.video
    if video is None:
        return NodeRow(depth=node.depth, available=False)
    title = video.caption or video.prompt
    if len(title) > TITLE_CHARS:
        title = title[: TITLE_CHARS - 1].rstrip() + "…"
    return NodeRow(
        depth=node.depth,
        available=True,
        title=title,
        handle=video.owner.handle,
        href=href(video.public_id),
    )
