"""Admin for cameos: the verification review queue (moderators only), cameos and grants."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import admin, messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html

from accounts.models import User
from cameos import services
from cameos.forms import ReviewForm
from cameos.models import Cameo, CameoGrant, VerificationAttempt
from sora_site.core.errors import ApplicationError


def _me(request: HttpRequest) -> User:
    return cast(User, request.user)


class ModeratorOnly:
    """Only superusers and staff in the Moderators group see these pages at all."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return services.user_is_moderator(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return services.user_is_moderator(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return services.user_is_moderator(request.user)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)


@admin.register(VerificationAttempt)
class VerificationAttemptAdmin(ModeratorOnly, admin.ModelAdmin):
    list_display = ["id", "owner", "status", "created", "face_ratio", "review_link"]
    list_filter = ["status"]
    ordering = ["status", "created"]
    list_select_related = ["cameo", "cameo__owner"]
    search_fields = ["cameo__owner__handle", "cameo__owner__email"]
    readonly_fields = [
        "cameo",
        "clip",
        "clip_content_type",
        "purge_after",
        "clip_purged_at",
        "challenge",
        "checks",
        "status",
        "reviewer",
        "reason",
        "created",
        "decided_at",
    ]
    actions = ["approve_selected"]

    @admin.display(description="Owner")
    def owner(self, obj: VerificationAttempt) -> str:
        return f"@{obj.cameo.owner.handle}"

    @admin.display(description="Faces")
    def face_ratio(self, obj: VerificationAttempt) -> Any:
        return obj.checks.get("face_ratio", "")

    @admin.display(description="Review")
    def review_link(self, obj: VerificationAttempt) -> str:
        if obj.status != VerificationAttempt.Status.AWAITING_REVIEW:
            return "-"
        url = reverse("admin:cameos_verificationattempt_review", args=[obj.pk])
        return format_html('<a href="{}">Review</a>', url)

    def get_urls(self) -> list[URLPattern]:
        review = path(
            "<int:attempt_id>/review/",
            self.admin_site.admin_view(self.review_view),
            name="cameos_verificationattempt_review",
        )
        return [review, *super().get_urls()]

    def review_view(self, request: HttpRequest, attempt_id: int) -> HttpResponse:
        if not services.user_is_moderator(request.user):
            raise Http404("Not found.")
        attempt = (
            VerificationAttempt.objects.select_related("cameo", "cameo__owner")
            .filter(pk=attempt_id)
            .first()
        )
        if attempt is None:
            raise Http404("No such verification.")
        form = ReviewForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                if form.cleaned_data["decision"] == "approve":
                    services.verification_approve(attempt=attempt, reviewer=_me(request))
                    self.message_user(request, "Approved: the cameo is verified.")
                else:
                    services.verification_reject(
                        attempt=attempt,
                        reviewer=_me(request),
                        reason=form.cleaned_data["reason"],
                    )
                    self.message_user(request, "Rejected; the person was told why.")
            except ApplicationError as error:
                form.add_error(None, error.detail)
            else:
                return HttpResponseRedirect(reverse("admin:cameos_verificationattempt_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Review verification of @{attempt.cameo.owner.handle}",
            "attempt": attempt,
            "form": form,
            "clip_url": reverse("cameos:clip", args=[attempt.pk]) if attempt.clip else "",
            "opts": self.model._meta,
            "checks": sorted(attempt.checks.items()),
        }
        return TemplateResponse(request, "admin/cameos/review.html", context)

    @admin.action(description="Approve selected verifications")
    def approve_selected(self, request: HttpRequest, queryset: Any) -> None:
        done = 0
        for attempt in queryset:
            try:
                services.verification_approve(attempt=attempt, reviewer=_me(request))
                done += 1
            except ApplicationError as error:
                self.message_user(request, f"#{attempt.pk}: {error.detail}", messages.ERROR)
        if done:
            self.message_user(request, f"Approved {done}.")


@admin.register(Cameo)
class CameoAdmin(ModeratorOnly, admin.ModelAdmin):
    list_display = ["id", "display_name", "owner", "kind", "status", "permission", "created"]
    list_filter = ["kind", "status", "permission"]
    list_select_related = ["owner"]
    search_fields = ["display_name", "owner__handle"]
    readonly_fields = ["owner", "kind", "owner_is_teen", "created", "updated"]
    fields = [
        "owner",
        "kind",
        "display_name",
        "status",
        "permission",
        "owner_is_teen",
        "voice_preset",
        "appearance_notes",
        "restrictions",
        "created",
        "updated",
    ]


@admin.register(CameoGrant)
class CameoGrantAdmin(ModeratorOnly, admin.ModelAdmin):
    list_display = ["id", "cameo", "user", "status", "created", "decided_at"]
    list_filter = ["status"]
    list_select_related = ["cameo", "user"]
    readonly_fields = ["cameo", "user", "status", "created", "decided_at"]
