from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from accounts.forms import UserAdminChangeForm, UserAdminCreationForm
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
    readonly_fields = ("date_joined", "last_login")
    fieldsets = (
        (None, {"fields": ("email", "handle", "password")}),
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


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("recipient", "kind", "text", "created", "read_at")
    list_filter = ("kind", "created")
    search_fields = ("recipient__email", "recipient__handle", "text")
    list_select_related = ("recipient",)
    raw_id_fields = ("recipient", "actor")
    date_hierarchy = "created"
