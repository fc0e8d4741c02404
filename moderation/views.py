"""Moderation pages for people: the policy, the report form, my decisions and appeals; and
the moderator-only media of a case (admin's player)."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from accounts.models import User
from moderation import policy, selectors, services
from moderation.forms import AppealForm, ReportForm
from moderation.models import Case
from moderation.permissions import is_moderator
from moderation.targets import report_target_for
from sora_site.core.errors import ApplicationError
from sora_site.core.media import serve_stored_file

REPORTABLE = {"video": "a video", "comment": "a comment", "account": "an account"}


def policy_page(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "moderation/policy.html",
        {
            "categories": policy.CATEGORIES,
            "appeals_text": policy.APPEALS_TEXT,
            "appeal_days": policy.APPEAL_WINDOW_DAYS,
        },
    )


def _report_target(request: HttpRequest, kind: str, object_id: str) -> Any:
    """The thing being reported, as this viewer may see it (the API's rule: moderation.targets)."""
    try:
        viewer = cast(User, request.user)  # the view is login_required
        return report_target_for(viewer=viewer, kind=kind, object_id=object_id)
    except ApplicationError as exc:
        raise Http404(exc.detail) from exc


@login_required
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, content_type: str, object_id: str) -> HttpResponse:
    target = _report_target(request, content_type, object_id)
    form = ReportForm(request.POST or None)
    status = 200
    context: dict[str, Any] = {"kind": REPORTABLE[content_type], "target": target, "form": form}
    if request.method == "POST":
        if form.is_valid():
            try:
                services.report_create(
                    reporter=request.user,  # type: ignore[arg-type]
                    target=target,
                    reason=form.cleaned_data["reason"],
                    note=form.cleaned_data["note"],
                )
            except ApplicationError as exc:
                form.add_error(None, exc.detail)
                status = exc.status
            else:
                messages.success(
                    request, "Thank you. Your report was sent; a moderator will review it."
                )
                return render(request, "moderation/report_done.html", context)
        else:
            status = 400
    return render(request, "moderation/report.html", context, status=status)


@login_required
@require_http_methods(["GET"])
def decisions(request: HttpRequest) -> HttpResponse:
    actions = list(selectors.user_actions(request.user))  # type: ignore[arg-type]
    refusals = list(selectors.user_refusals(request.user))  # type: ignore[arg-type]
    return render(
        request,
        "moderation/decisions.html",
        {
            "actions": actions,
            "refusals": refusals,
            "form": AppealForm(),
            "appeal_days": policy.APPEAL_WINDOW_DAYS,
        },
    )


@login_required
@require_http_methods(["POST"])
def appeal(request: HttpRequest, action_id: int) -> HttpResponse:
    form = AppealForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Write why the decision is wrong (up to 2000 characters).")
        return redirect("moderation:decisions")
    try:
        services.appeal_create(
            user=request.user,  # type: ignore[arg-type]
            action_id=action_id,
            text=form.cleaned_data["text"],
        )
    except ApplicationError as exc:
        if exc.status == 404:
            raise Http404(exc.detail) from exc
        messages.error(request, exc.detail)
    else:
        messages.success(request, "Your appeal was sent. A different moderator will review it.")
    return redirect("moderation:decisions")


def _case_media(
    request: HttpRequest, case_id: int, field: str, content_type: str
) -> HttpResponse | StreamingHttpResponse:
    if not is_moderator(request.user):
        raise Http404("No such file.")
    case = get_object_or_404(Case, pk=case_id)
    target = case.target
    name = getattr(getattr(target, field, None), "name", "")
    if not name:
        raise Http404("No such file.")
    return serve_stored_file(request, name, content_type=content_type, private=True)


@require_http_methods(["GET", "HEAD"])
def case_video(request: HttpRequest, case_id: int) -> HttpResponse | StreamingHttpResponse:
    return _case_media(request, case_id, "video_file", "video/mp4")


@require_http_methods(["GET", "HEAD"])
def case_poster(request: HttpRequest, case_id: int) -> HttpResponse | StreamingHttpResponse:
    return _case_media(request, case_id, "poster_file", "image/jpeg")
