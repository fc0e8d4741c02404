from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from accounts import invites
from accounts.forms import UserAdminChangeForm, UserAdminCreationForm
from accounts.invites import Invite, InviteUse, WaitlistEntry
from accounts.models import ADULT_AGE, Notification, User


def _adult_cutoff() -> dt.date:
    """People born on or before this date are adults today."""
    today = timezone.localdate()
    try:
        return today.replace(year=today.year - ADULT_AGE)
    except ValueError:  # 29 February
        return today.replace(year=today.year - ADULT_AGE, day=28)


class AgeGroupFilter(admin.SimpleListFilter):
    title = "age group"
    parameter_name = "age"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("teen", "Teen (13-17)"), ("adult", "Adult"), ("unknown", "No birthdate")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any] | None:
        cutoff = _adult_cutoff()
        if self.value() == "teen":
            return queryset.filter(birthdate__gt=cutoff)
        if self.value() == "adult":
            return queryset.filter(birthdate__lte=cutoff)
        if self.value() == "unknown":
            return queryset.filter(birthdate__isnull=True)
        return queryset


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserAdminChangeForm
    add_form = UserAdminCreationForm
    list_display = ("email", "handle", "teen", "is_staff", "is_active", "date_joined")
    list_filter = (AgeGroupFilter, "is_staff", "is_superuser", "is_active", "groups")
    search_fields = ("email", "handle", "display_name")
    ordering = ("-date_joined",)
    readonly_fields = ("date_joined", "last_login", "invited_by", "invited")
    fieldsets = (
        (None, {"fields": ("email", "handle", "password")}),
        ("Invites", {"fields": ("invited_by", "invited")}),
        ("Profile", {"fields": ("display_name", "bio", "avatar", "birthdate")}),
        (
            "Permissions",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "handle", "birthdate", "password1", "password2"),
            },
        ),
    )

    @admin.display(boolean=True, description="teen")
    def teen(self, obj: User) -> bool:
        return obj.is_teen

    @admin.display(description="invited by")
    def invited_by(self, obj: User) -> str:
        inviter = invites.invited_by(obj)
        return f"@{inviter.handle}" if inviter is not None else "-"

    @admin.display(description="invited")
    def invited(self, obj: User) -> str:
        return ", ".join(f"@{u.handle}" for u in invites.invitees(obj)) or "-"


@admin.register(Invite)
class InviteAdmin(admin.ModelAdmin):
    """Codes: members make theirs in settings; staff make any here (the code is generated)."""

    list_display = ("code", "created_by", "uses", "uses_allowed", "expires_at", "created_at")
    search_fields = ("code", "created_by__handle", "created_by__email", "note")
    list_select_related = ("created_by",)
    readonly_fields = ("code", "created_by", "uses", "created_at")
    fields = ("code", "created_by", "uses_allowed", "uses", "expires_at", "note", "created_at")

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ("uses_allowed", "expires_at", "note") if obj is None else self.fields

    def save_model(self, request: HttpRequest, obj: Invite, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        made = invites.invite_issue(uses=obj.uses_allowed, expires_at=obj.expires_at,
                                    note=obj.note)  # fmt: skip
        obj.pk, obj.code, obj.created_at = made.pk, made.code, made.created_at
        obj._state.adding = False


@admin.register(InviteUse)
class InviteUseAdmin(admin.ModelAdmin):
    """The invite tree, read from here: who invited whom, with which code, when."""

    list_display = ("user", "inviter", "invite", "used_at")
    search_fields = ("user__handle", "user__email", "invite__code", "invite__created_by__handle")
    list_select_related = ("user", "invite", "invite__created_by")
    date_hierarchy = "used_at"

    @admin.display(description="invited by")
    def inviter(self, obj: InviteUse) -> str:
        by = obj.invite.created_by
        return f"@{by.handle}" if by is not None else "staff"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(WaitlistEntry)
class WaitlistAdmin(admin.ModelAdmin):
    list_display = ("email", "created_at", "invite")
    search_fields = ("email",)
    list_select_related = ("invite",)
    actions = ("send_invites",)

    @admin.action(description="Send each an invite code by email")
    def send_invites(self, request: HttpRequest, queryset: QuerySet[WaitlistEntry]) -> None:
        sent = invites.waitlist_invite(list(queryset))
        self.message_user(request, f"Sent {sent} invite{'s' if sent != 1 else ''}.")


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("recipient", "kind", "text", "created", "read_at")
    list_filter = ("kind", "created")
    search_fields = ("recipient__email", "recipient__handle", "text")
    list_select_related = ("recipient",)
    raw_id_fields = ("recipient", "actor")
    date_hierarchy = "created"
