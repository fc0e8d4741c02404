"""The moderator workflow in Django admin, for the Moderators group (and superusers) only.

Staff outside the group get 403 on every page here. The case queue is sorted by severity, then
age; each case shows the video, poster, prompt, classifier scores, reports and the person's
history. Decisions are bulk actions with an intermediate page that asks for the reason; every
one goes through `moderation.services.action_apply`, which writes the audit log.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from moderation import selectors, services
from moderation.models import (
    AccountStanding,
    Appeal,
    AuditLogEntry,
    Case,
    ContentRestriction,
    ModerationAction,
    ModerationDecisionRecord,
    Report,
)
from moderation.permissions import is_moderator
from sora_site.core.errors import ApplicationError


class ModeratorOnly:
    """Every permission also requires membership of the Moderators group (or superuser)."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_moderator(request.user) and super().has_module_permission(request)  # type: ignore[misc]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_moderator(request.user) and super().has_view_permission(request, obj)  # type: ignore[misc]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_moderator(request.user) and super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False  # everything here is created by services, never typed in

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnly(ModeratorOnly):
    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _json(value: Any) -> SafeString:
    return format_html("<pre>{}</pre>", json.dumps(value, indent=2, sort_keys=True, default=str))


def case_media_url(case: Case, kind: str) -> str:
    """The moderator-only media URL of a case's target, or "" when it has no such file."""
    target = case.target
    field = "video_file" if kind == "video" else "poster_file"
    file = getattr(target, field, None)
    if not file or not getattr(file, "name", ""):
        return ""
    try:
        return reverse(f"moderation:case_{kind}", args=[case.pk])
    except NoReverseMatch:
        return ""


class ReasonForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=1000,
        help_text="The person concerned reads this in their notification.",
    )
    days = forms.IntegerField(
        min_value=1, max_value=3650, initial=7, required=False, help_text="Suspensions only."
    )


def _bulk(action: str, label: str) -> Any:
    def run(modeladmin: CaseAdmin, request: HttpRequest, queryset: QuerySet[Case]) -> Any:
        return modeladmin.confirm_action(request, queryset, action, label)

    run.__name__ = f"do_{action}"
    run.short_description = label  # type: ignore[attr-defined]
    run.allowed_permissions = ("change",)  # type: ignore[attr-defined]
    return run


@admin.register(Case)
class CaseAdmin(ModeratorOnly, admin.ModelAdmin):
    list_display = (
        "id",
        "severity_display",
        "category",
        "opened_by",
        "target_link",
        "subject_user",
        "report_count",
        "created",
        "status",
    )
    list_filter = ("status", "opened_by", "category")
    ordering = ("status", "-severity", "created", "id")
    list_select_related = ("content_type", "subject_user")
    list_per_page = 50
    actions = [
        _bulk("dismiss", "Dismiss (no violation)"),
        _bulk("remove", "Remove content"),
        _bulk("limit", "Limit (hide from feed)"),
        _bulk("warn", "Warn the user"),
        _bulk("strike", "Strike the user"),
        _bulk("suspend", "Suspend the user (7 days)"),
        _bulk("ban", "Ban the user"),
    ]
    readonly_fields = (
        "status",
        "severity_display",
        "category",
        "opened_by",
        "created",
        "resolved_at",
        "target_link",
        "subject_user",
        "player",
        "prompt",
        "audio_display",
        "scores_display",
        "reports_display",
        "history_display",
        "actions_display",
    )
    fields = readonly_fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[Case]:
        return (
            super()
            .get_queryset(request)
            .annotate(_reports=Count("reports", filter=Q(reports__status="pending")))
        )

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # The change page is a read-only view; "change" is what the bulk actions require.
        return super().has_change_permission(request, obj)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.display(description="Severity", ordering="-severity")
    def severity_display(self, obj: Case) -> str:
        return obj.severity_label

    @admin.display(description="Pending reports", ordering="_reports")
    def report_count(self, obj: Case) -> int:
        return int(getattr(obj, "_reports", 0))

    @admin.display(description="Target")
    def target_link(self, obj: Case) -> str:
        return f"{obj.content_type.app_label}.{obj.content_type.model} #{obj.object_id}"

    @admin.display(description="Video")
    def player(self, obj: Case) -> SafeString | str:
        video, poster = case_media_url(obj, "video"), case_media_url(obj, "poster")
        if not video and not poster:
            return "-"
        if video:
            return format_html(
                '<video class="moderation-player" controls preload="metadata" src="{}" '
                'poster="{}" width="270"></video><br><a href="{}">Poster</a>',
                video,
                poster,
                poster or video,
            )
        return format_html('<img src="{}" alt="Poster" width="270">', poster)

    @admin.display(description="Prompt")
    def prompt(self, obj: Case) -> str:
        return str(getattr(obj.target, "prompt", "")) or obj.summary or "-"

    @admin.display(description="What is heard")
    def audio_display(self, obj: Case) -> SafeString | str:
        # Only the output check of a result whose sound a model made stores "audio"; the
        # engine's own speech is the plan's dialogue, shown in the scores.
        audio = obj.scores.get("audio") if isinstance(obj.scores, dict) else None
        if not isinstance(audio, dict):
            return "-"
        transcript = str(audio.get("transcript") or "")
        if not audio.get("transcribed"):
            return format_html("<p><strong>{}</strong></p>", audio.get("note", ""))
        return format_html(
            "<p>{}</p><blockquote>{}</blockquote>",
            audio.get("note", ""),
            transcript or "(no speech heard)",
        )

    @admin.display(description="Classifier scores")
    def scores_display(self, obj: Case) -> SafeString:
        return _json(obj.scores)

    @admin.display(description="Reports")
    def reports_display(self, obj: Case) -> SafeString | str:
        reports = obj.reports.select_related("reporter").order_by("created")
        if not reports:
            return "-"
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li>{} · {} · {} · {}</li>",
                (
                    (
                        r.created.strftime("%Y-%m-%d %H:%M"),
                        r.reporter,
                        r.get_reason_display(),
                        r.note or "(no note)",
                    )
                    for r in reports
                ),
            ),
        )

    @admin.display(description="User history")
    def history_display(self, obj: Case) -> SafeString | str:
        if obj.subject_user is None:
            return "-"
        history = selectors.user_history(obj.subject_user)
        standing = history["standing"]
        line = (
            f"strikes {standing.strikes}, warnings {standing.warnings}, suspended until "
            f"{standing.suspended_until or '-'}, banned {standing.banned}, flagged "
            f"{standing.flagged}"
            if isinstance(standing, AccountStanding)
            else "clean standing"
        )
        actions = history["actions"]
        refusals = history["refusals"]
        return format_html(
            "<p>{}; {} case(s)</p><p>Past actions:</p><ul>{}</ul>"
            "<p>Refused prompts:</p><ul>{}</ul>",
            line,
            history["cases"],
            format_html_join(
                "",
                "<li>{} {}: {}</li>",
                (
                    (a.created.strftime("%Y-%m-%d"), a.get_action_display(), a.reason)
                    for a in actions  # type: ignore[attr-defined]
                ),
            )
            or "-",
            format_html_join(
                "",
                "<li>{} {} ({}): {}</li>",
                (
                    (r.created.strftime("%Y-%m-%d"), r.verdict, r.category, r.text[:200])
                    for r in refusals  # type: ignore[attr-defined]
                ),
            )
            or "-",
        )

    @admin.display(description="Decisions")
    def actions_display(self, obj: Case) -> SafeString | str:
        rows = obj.actions.select_related("moderator").order_by("created")
        if not rows:
            return "-"
        return format_html_join(
            "",
            "<p>{} by {}: {}</p>",
            ((a.get_action_display(), a.moderator, a.reason) for a in rows),
        )

    def confirm_action(
        self, request: HttpRequest, queryset: QuerySet[Case], action: str, label: str
    ) -> HttpResponse | None:
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            days = form.cleaned_data.get("days") or 7
            duration = dt.timedelta(days=days) if action == "suspend" else None
            done, failed = 0, []
            for case in queryset:
                try:
                    services.action_apply(
                        case=case,
                        moderator=request.user,  # type: ignore[arg-type]
                        action=action,
                        reason=form.cleaned_data["reason"],
                        duration=duration,
                    )
                    done += 1
                except ApplicationError as exc:
                    failed.append(f"case {case.pk}: {exc.detail}")
            if done:
                self.message_user(request, f"{label}: applied to {done} case(s).", messages.SUCCESS)
            for line in failed:
                self.message_user(request, line, messages.ERROR)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": f"{label}: give a reason",
            "opts": self.model._meta,
            "queryset": queryset,
            "form": form,
            "action": f"do_{action}",
            "label": label,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/moderation/case/action_confirm.html", context)


class AppealDecisionForm(forms.Form):
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=1000
    )


def _appeal_bulk(outcome: str, label: str) -> Any:
    def run(modeladmin: AppealAdmin, request: HttpRequest, queryset: QuerySet[Appeal]) -> None:
        done = 0
        for appeal in queryset:
            try:
                services.appeal_decide(
                    appeal=appeal,
                    moderator=request.user,  # type: ignore[arg-type]
                    outcome=outcome,
                    note=f"{label} by a moderator.",
                )
                done += 1
            except ApplicationError as exc:
                modeladmin.message_user(
                    request, f"appeal {appeal.pk}: {exc.detail}", messages.ERROR
                )
        if done:
            modeladmin.message_user(request, f"{label}: {done} appeal(s).", messages.SUCCESS)

    run.__name__ = f"appeal_{outcome}"
    run.short_description = label  # type: ignore[attr-defined]
    run.allowed_permissions = ("change",)  # type: ignore[attr-defined]
    return run


@admin.register(Appeal)
class AppealAdmin(ModeratorOnly, admin.ModelAdmin):
    list_display = ("id", "user", "action_summary", "status", "created", "decided_by")
    list_filter = ("status",)
    ordering = ("status", "created", "id")
    list_select_related = ("user", "action", "decided_by")
    readonly_fields = (
        "action",
        "user",
        "text",
        "status",
        "decided_by",
        "decision_note",
        "created",
        "decided_at",
    )
    fields = readonly_fields
    actions = [
        _appeal_bulk("overturned", "Overturn (restore, remove strike)"),
        _appeal_bulk("upheld", "Uphold (decision stands)"),
    ]

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.display(description="Decision appealed")
    def action_summary(self, obj: Appeal) -> str:
        return f"{obj.action.get_action_display()}: {obj.action.reason[:80]}"


@admin.register(Report)
class ReportAdmin(ReadOnly, admin.ModelAdmin):
    list_display = (
        "id",
        "reporter",
        "reason",
        "content_type",
        "object_id",
        "status",
        "case",
        "created",
    )
    list_filter = ("status", "reason")
    list_select_related = ("reporter", "content_type", "case")


@admin.register(ModerationAction)
class ModerationActionAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("id", "action", "case", "target_user", "moderator", "overturned", "created")
    list_filter = ("action", "overturned")
    list_select_related = ("case", "target_user", "moderator")


@admin.register(ModerationDecisionRecord)
class DecisionRecordAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("id", "created", "user", "context", "verdict", "category", "score")
    list_filter = ("verdict", "category", "context")
    list_select_related = ("user",)
    search_fields = ("text_hash",)


@admin.register(ContentRestriction)
class ContentRestrictionAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("id", "kind", "content_type", "object_id", "active", "created", "lifted_at")
    list_filter = ("kind", "active")
    list_select_related = ("content_type",)


@admin.register(AccountStanding)
class AccountStandingAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("user", "warnings", "strikes", "suspended_until", "banned", "flagged")
    list_filter = ("banned", "flagged")
    list_select_related = ("user",)


@admin.register(AuditLogEntry)
class AuditLogEntryAdmin(ReadOnly, admin.ModelAdmin):
    """Read-only: no add, change or delete, for anyone (superusers included)."""

    list_display = ("created", "actor_repr", "action", "target_repr", "reason")
    list_filter = ("action",)
    search_fields = ("target_repr", "actor_repr", "reason")
    readonly_fields = (
        "created",
        "actor_repr",
        "action",
        "target_type",
        "target_id",
        "target_repr",
        "reason",
        "data",
    )
    fields = readonly_fields

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        return {}
