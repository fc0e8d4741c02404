"""Remix form and lineage page. Thin: parse, call the service or selector, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from sora_site.core.errors import ApplicationError, NotFound
from videos import selectors
from videos.lineage import lineage_for
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
        page = int(request.GET.get("page", "1"))
    except ValueError:
        page = 1
    tree = lineage_for(video=video, viewer_id=viewer_id, page=page)
    return render(request, "videos/lineage.html", {"tree": tree, "video": video})
