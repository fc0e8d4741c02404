"""Reads of the API app. Every query is scoped to the person (and app) asking."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Max, QuerySet
from oauth2_provider.models import get_access_token_model, get_application_model

from accounts.models import User
from sora_site.api.models import PersonalAccessToken, WebhookDelivery, WebhookEndpoint
from sora_site.core.errors import NotFound, ValidationFailed
from videos.models import GenerationJob, Video


def tokens_for(*, user: User) -> QuerySet[PersonalAccessToken]:
    return PersonalAccessToken.objects.filter(user=user).order_by("-created_at", "-id")


def developer_apps_for(*, user: User) -> QuerySet[Any]:
    return get_application_model().objects.filter(user=user).order_by("-created", "-id")


def authorized_apps_for(*, user: User) -> list[dict[str, Any]]:
    """Apps holding tokens for this person: name, scopes granted, last grant."""
    rows = (
        get_access_token_model()
        .objects.filter(user=user, application__isnull=False)
        .values("application_id", "application__name")
        .annotate(tokens=Count("id"), last=Max("created"))
        .order_by("-last")
    )
    scopes: dict[int, set[str]] = {}
    for application_id, scope in (
        get_access_token_model()
        .objects.filter(user=user, application__isnull=False)
        .values_list("application_id", "scope")
    ):
        scopes.setdefault(application_id, set()).update(scope.split())
    return [
        {
            "id": row["application_id"],
            "name": row["application__name"] or "Unnamed app",
            "last": row["last"],
            "scopes": sorted(scopes.get(row["application_id"], set())),
        }
        for row in rows
    ]


def videos_owned(
    *, user_id: int, status: str | None = None, visibility: str | None = None
) -> QuerySet[Video]:
    """The person's videos; a filter that is given must be one of its values (an empty
    `?visibility=` is refused like any other unknown value, as the schema says)."""
    videos = (
        Video.objects.filter(owner_id=user_id)
        .exclude(status=Video.Status.REMOVED)
        .select_related("owner", "job")
    )
    if status is not None:
        if status not in Video.Status.values:
            raise ValidationFailed(
                f"status must be one of {', '.join(Video.Status.values)}.", code="status"
            )
        videos = videos.filter(status=status)
    if visibility is not None:
        if visibility not in Video.Visibility.values:
            raise ValidationFailed(
                f"visibility must be one of {', '.join(Video.Visibility.values)}.",
                code="visibility",
            )
        videos = videos.filter(visibility=visibility)
    return videos


def jobs_owned(*, user_id: int) -> QuerySet[GenerationJob]:
    return GenerationJob.objects.filter(owner_id=user_id).select_related("video")


def job_owned(*, user_id: int, public_id: str) -> GenerationJob:
    job = jobs_owned(user_id=user_id).filter(public_id=public_id).first()
    if job is None:
        raise NotFound("No such generation.")
    return job


def webhooks_for(*, user: User, application: Any | None) -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.filter(user=user, application=application)


def webhook_for(*, user: User, application: Any | None, endpoint_id: int) -> WebhookEndpoint:
    endpoint = webhooks_for(user=user, application=application).filter(pk=endpoint_id).first()
    if endpoint is None:
        raise NotFound("No such webhook.")
    return endpoint


def deliveries_for(*, endpoint: WebhookEndpoint) -> QuerySet[WebhookDelivery]:
    return WebhookDelivery.objects.filter(endpoint=endpoint)
