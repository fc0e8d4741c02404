"""Cameo pages. Thin: parse, call one service or selector, render."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    JsonResponse,
)
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import User
from accounts.selectors import user_by_handle
from cameos import selectors, services, verification
from cameos.forms import BlockForm, CameoSettingsForm, CharacterForm
from cameos.models import Cameo, CameoGrant, VerificationAttempt
from sora_site.core.errors import ApplicationError, NotFound
from sora_site.core.media import serve_stored_file
from sora_site.core.uploads import upload_limit

CHALLENGE_SESSION_KEY = "cameo_challenge"
# Multipart framing around the clip: a little over the clip limit is still a legal request.
UPLOAD_OVERHEAD = 256 * 1024


def _me(request: HttpRequest) -> User:
    """The signed-in person (every view here is behind login_required)."""
    return cast(User, request.user)


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _error_json(error: ApplicationError) -> JsonResponse:
    return JsonResponse({"detail": error.detail, "code": error.code}, status=error.status)


def _owned_or_404(request: HttpRequest, cameo_id: int) -> Cameo:
    cameo = selectors.cameo_owned(user=_me(request), cameo_id=cameo_id)
    if cameo is None:
        raise Http404("No such cameo.")
    return cameo


# --- my cameo ------------------------------------------------------------------------------------


def _manage_context(request: HttpRequest, cameo: Cameo, form: Any = None) -> dict[str, Any]:
    user = _me(request)
    return {
        "cameo": cameo,
        "form": form
        or CameoSettingsForm(
            initial={
                "display_name": cameo.display_name,
                "permission": cameo.permission,
                "voice_preset": cameo.voice_preset,
                "appearance_notes": cameo.appearance_notes,
                "restrictions": cameo.restrictions,
            },
            teen=user.is_teen,
        ),
        "block_form": BlockForm(),
        "data": selectors.cameo_manage_data(cameo=cameo),
        "characters": selectors.cameos_owned(user=user).filter(kind=Cameo.Kind.CHARACTER),
    }


@login_required
def my_cameo(request: HttpRequest) -> HttpResponse:
    cameo = services.person_cameo_of(_me(request))
    if cameo is None:
        characters = selectors.cameos_owned(user=_me(request)).filter(kind=Cameo.Kind.CHARACTER)
        return render(request, "cameos/my_cameo.html", {"cameo": None, "characters": characters})
    return render(request, "cameos/my_cameo.html", _manage_context(request, cameo))


@login_required
def cameo_manage(request: HttpRequest, cameo_id: int) -> HttpResponse:
    cameo = _owned_or_404(request, cameo_id)
    return render(request, "cameos/my_cameo.html", _manage_context(request, cameo))


def _back(cameo: Cameo) -> str:
    if cameo.kind == Cameo.Kind.PERSON:
        return reverse("cameos:mine")
    return reverse("cameos:manage", args=[cameo.pk])


@login_required
@require_POST
def cameo_settings(request: HttpRequest, cameo_id: int) -> HttpResponse:
    cameo = _owned_or_404(request, cameo_id)
    form = CameoSettingsForm(request.POST, teen=_me(request).is_teen)
    if form.is_valid():
        try:
            services.cameo_settings_update(cameo=cameo, user=_me(request), **form.cleaned_data)
        except ApplicationError as error:
            form.add_error(None, error.detail)
        else:
            messages.success(request, "Saved. The new settings apply at once.")
            return redirect(_back(cameo))
    response = render(request, "cameos/my_cameo.html", _manage_context(request, cameo, form))
    response.status_code = 400
    return response


@login_required
@require_POST
def grant_decide(request: HttpRequest, cameo_id: int, grant_id: int, action: str) -> HttpResponse:
    cameo = _owned_or_404(request, cameo_id)
    grant = CameoGrant.objects.filter(pk=grant_id, cameo=cameo).first()
    if grant is None:
        raise Http404("No such request.")
    actions = {
        "approve": (services.grant_approve, "Approved."),
        "deny": (services.grant_deny, "Declined."),
        "revoke": (services.grant_revoke, "Access revoked. It applies at once."),
    }
    if action not in actions:
        raise Http404("No such action.")
    service, done = actions[action]
    try:
        service(grant=grant, owner=_me(request))
    except ApplicationError as error:
        messages.error(request, error.detail)
    else:
        messages.success(request, done)
    return redirect(_back(cameo))


@login_required
@require_POST
def block_add(request: HttpRequest, cameo_id: int) -> HttpResponse:
    cameo = _owned_or_404(request, cameo_id)
    form = BlockForm(request.POST)
    target = None
    if form.is_valid():
        target = user_by_handle(handle=form.cleaned_data["handle"].lstrip("@"))
    if target is None:
        messages.error(request, "No account has that handle.")
        return redirect(_back(cameo))
    try:
        services.cameo_block_add(cameo=cameo, owner=_me(request), user=target)
    except ApplicationError as error:
        messages.error(request, error.detail)
    else:
        messages.success(request, f"@{target.handle} can no longer use this cameo.")
    return redirect(_back(cameo))


@login_required
@require_POST
def block_remove(request: HttpRequest, cameo_id: int, user_id: int) -> HttpResponse:
    cameo = _owned_or_404(request, cameo_id)
    services.cameo_block_remove(cameo=cameo, owner=_me(request), user_id=user_id)
    messages.success(request, "Unblocked.")
    return redirect(_back(cameo))


@login_required
@require_POST
def cameo_delete(request: HttpRequest, cameo_id: int) -> HttpResponse:
    cameo = _owned_or_404(request, cameo_id)
    services.cameo_delete(cameo=cameo, user=_me(request))
    messages.success(request, "Cameo deleted, with its reference images and recordings.")
    return redirect("cameos:mine")


# --- verification --------------------------------------------------------------------------------


def _verify_page(request: HttpRequest, *, error: str = "", status: int = 200) -> HttpResponse:
    challenge = request.session.get(CHALLENGE_SESSION_KEY)
    if not verification.challenge_is_fresh(challenge):
        challenge = verification.challenge_new()
        request.session[CHALLENGE_SESSION_KEY] = challenge
    cameo = services.person_cameo_of(_me(request))
    waiting = (
        cameo is not None
        and cameo.attempts.filter(status=VerificationAttempt.Status.AWAITING_REVIEW).exists()
    )
    context = {
        "challenge": challenge,
        "cameo": cameo,
        "waiting": waiting,
        "error": error,
        "max_mb": verification.MAX_CLIP_BYTES // (1024 * 1024),
        "schedule": {  # when the recorder shows each number and asks for the turn
            "numbers_at": verification.NUMBERS_AT,
            "number_seconds": verification.NUMBER_SECONDS,
            "turn_at": verification.TURN_AT,
        },
    }
    return render(request, "cameos/verify.html", context, status=status)


@csrf_exempt  # checked below, after the size check, so a huge body is refused unread
@login_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponseBase:
    if request.method == "GET":
        return _verify_page(request)
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > verification.MAX_CLIP_BYTES + UPLOAD_OVERHEAD:
        too_large = verification.ClipRejected(
            f"That recording is too large (at most {verification.MAX_CLIP_BYTES // 2**20} MB).",
            code="too_large",
        )
        too_large.status = 413
        return (
            _error_json(too_large)
            if _wants_json(request)
            else _verify_page(request, error=too_large.detail, status=413)
        )
    csrf_failure = CsrfViewMiddleware(_no_response).process_view(request, _no_response, (), {})
    if csrf_failure is not None:
        return csrf_failure
    upload = request.FILES.get("clip")
    try:
        if upload is None:
            raise verification.ClipRejected("Record or choose a clip first.", code="no_file")
        services.verification_submit(
            user=_me(request),
            upload=upload,
            challenge=request.session.get(CHALLENGE_SESSION_KEY),
        )
    except ApplicationError as error:
        if _wants_json(request):
            return _error_json(error)
        return _verify_page(request, error=error.detail, status=error.status)
    finally:
        if upload is not None:
            upload.close()
    request.session.pop(CHALLENGE_SESSION_KEY, None)
    done = "Thanks! A moderator will review your recording. We'll notify you."
    if _wants_json(request):
        return JsonResponse(
            {"status": "awaiting_review", "detail": done, "redirect": reverse("cameos:mine")},
            status=201,
        )
    messages.success(request, done)
    return redirect("cameos:mine")


def _no_response(request: HttpRequest) -> HttpResponse:
    """A stand-in view for the explicit CSRF check (it is never called)."""
    return HttpResponse(status=204)


@login_required
def verification_clip(request: HttpRequest, attempt_id: int) -> HttpResponseBase:
    """The raw clip, for moderators and the person who recorded it; never cached."""
    attempt = VerificationAttempt.objects.filter(pk=attempt_id).select_related("cameo").first()
    allowed = attempt is not None and (
        attempt.cameo.owner_id == request.user.pk or services.user_is_moderator(request.user)
    )
    if attempt is None or not allowed or not attempt.clip:
        raise Http404("No such clip.")
    response = serve_stored_file(
        request, attempt.clip.name, content_type=attempt.clip_content_type or "video/webm",
        private=True,
    )  # fmt: skip
    response["Cache-Control"] = "private, no-store"  # an identity check: never kept anywhere
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- characters, availability, requests, ledger --------------------------------------------------


@upload_limit(services.character_upload_max_bytes)
@login_required
@require_http_methods(["GET", "POST"])
def character_new(request: HttpRequest) -> HttpResponse:
    teen = _me(request).is_teen
    form = CharacterForm(request.POST or None, request.FILES or None, teen=teen)
    if request.method == "POST" and form.is_valid():
        try:
            cameo = services.character_cameo_create(
                owner=_me(request),
                display_name=form.cleaned_data["display_name"],
                images=form.cleaned_data["images"],
                clip=request.FILES.get("clip"),
                voice_preset=form.cleaned_data["voice_preset"],
                permission=form.cleaned_data["permission"],
                appearance_notes=form.cleaned_data["appearance_notes"],
            )
        except ApplicationError as error:
            form.add_error(None, error.detail)
        else:
            messages.success(request, f"{cameo.display_name} is ready to use.")
            return redirect("cameos:manage", cameo.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "cameos/character_new.html", {"form": form}, status=status)


@login_required
def available(request: HttpRequest) -> HttpResponse:
    cameos = list(selectors.cameos_available_for(user=_me(request)))
    if request.GET.get("format") == "json" or _wants_json(request):
        return JsonResponse(
            {
                "results": [
                    {
                        "id": c.pk,
                        "display_name": c.display_name,
                        "kind": c.kind,
                        "owner": c.owner.handle,
                        "mine": c.owner_id == request.user.pk,
                    }
                    for c in cameos
                ]
            }
        )
    return render(request, "cameos/available.html", {"cameos": cameos})


@login_required
@require_http_methods(["GET", "POST"])
def request_access(request: HttpRequest, cameo_id: int) -> HttpResponse:
    cameo = selectors.cameo_visible(cameo_id=cameo_id)
    if cameo is None:
        raise Http404("No such cameo.")
    if request.method == "POST":
        try:
            services.grant_request(cameo=cameo, user=_me(request))
        except NotFound as error:
            raise Http404(error.detail) from error
        except ApplicationError as error:
            messages.error(request, error.detail)
        else:
            messages.success(request, "Request sent. We'll tell you when the owner answers.")
        return redirect("cameos:request", cameo.pk)
    grant = CameoGrant.objects.filter(cameo=cameo, user=_me(request)).first()
    return render(request, "cameos/request.html", {"cameo": cameo, "grant": grant})


@login_required
def appearances(request: HttpRequest) -> HttpResponse:
    rows = selectors.appearances_for_owner(user=_me(request))
    return render(request, "cameos/appearances.html", {"rows": rows})


@login_required
@require_POST
def appearance_delete(request: HttpRequest, video_public_id: str) -> HttpResponse:
    """Delete a video one of my cameos appears in (CSRF-checked POST; 404 unless the ledger
    shows my cameo in it)."""
    try:
        services.appearance_delete_video(owner=_me(request), video_public_id=video_public_id)
    except NotFound as error:
        raise Http404(error.detail) from error
    except ApplicationError as error:
        messages.error(request, error.detail)
    else:
        messages.success(request, "Video deleted, with its files. Its creator has been told.")
    return redirect("cameos:appearances")
