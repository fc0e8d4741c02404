from __future__ import annotations

from django.contrib import admin

from sora_site.api.models import (
    IdempotencyKey,
    PersonalAccessToken,
    WebhookDelivery,
    WebhookEndpoint,
)


@admin.register(PersonalAccessToken)
class PersonalAccessTokenAdmin(admin.ModelAdmin):
    list_display = ("prefix", "user", "name", "scopes", "created_at", "last_used_at", "revoked_at")
    search_fields = ("prefix", "user__handle", "user__email", "name")
    list_select_related = ("user",)
    readonly_fields = ("user", "prefix", "token_hash", "scopes", "created_at", "last_used_at")


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ("url", "user", "application", "is_active", "created_at")
    list_filter = ("is_active",)
    search_fields = ("url", "user__handle")
    list_select_related = ("user", "application")
    readonly_fields = ("secret",)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ("event", "endpoint", "status", "attempts", "response_status", "created_at")
    list_filter = ("status", "event")
    list_select_related = ("endpoint",)
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]


@admin.register(IdempotencyKey)
class IdempotencyKeyAdmin(admin.ModelAdmin):
    list_display = ("user", "key", "job", "created_at")
    list_select_related = ("user", "job")
    readonly_fields = ("user", "key", "request_hash", "job", "created_at")
