"""Writes of the API app: tokens, OAuth apps, idempotent generation requests, webhook endpoints.

Everything about videos, the feed and people is done by those apps' services; this module only
adds what the API itself owns.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import (
    get_access_token_model,
    get_application_model,
    get_grant_model,
    get_refresh_token_model,
)

from accounts.models import User
from sora_site.api.authentication import PAT_MARK, token_hash
from sora_site.api.models import IdempotencyKey, PersonalAccessToken, WebhookEndpoint
from sora_site.api.scopes import SCOPES, scopes_format
from sora_site.api.webhooks import EVENT_SCOPES, webhook_target_resolve
from sora_site.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from videos.models import GenerationJob
from videos.services import generation_request

MAX_TOKENS_PER_USER = 50
MAX_APPS_PER_USER = 20
MAX_WEBHOOKS_PER_APP = 10
IDEMPOTENCY_KEY_MAX = 255


# --- personal access tokens --------------------------------------------------------------------


def pat_create(
    *, user: User, name: str, scopes: list[str], expires_in_days: int | None = None
) -> tuple[PersonalAccessToken, str]:
    """Make a token; returns the row and the token itself, which is never shown again."""
    name = (name or "").strip()
    if not name or len(name) > 80:
        raise ValidationFailed("Give the token a name of 1-80 characters.", code="name")
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown or not scopes:
        raise ValidationFailed("Choose at least one scope from the list.", code="scopes")
    if expires_in_days is not None and not 1 <= expires_in_days <= 366:
        raise ValidationFailed("Tokens expire after 1 to 366 days.", code="expires")
    if PersonalAccessToken.objects.filter(user=user, revoked_at__isnull=True).count() >= (
        MAX_TOKENS_PER_USER
    ):
        raise ValidationFailed(
            f"You can have at most {MAX_TOKENS_PER_USER} tokens; revoke one first.",
            code="too_many_tokens",
        )
    prefix = secrets.token_hex(6)
    token = f"{PAT_MARK}{prefix}_{secrets.token_urlsafe(32)}"
    row = PersonalAccessToken.objects.create(
        user=user,
        name=name,
        prefix=prefix,
        token_hash=token_hash(token),
        scopes=scopes_format(scopes),
        expires_at=(
            timezone.now() + dt.timedelta(days=expires_in_days) if expires_in_days else None
        ),
    )
    return row, token


def pat_revoke(*, user: User, token_id: int) -> None:
    updated = PersonalAccessToken.objects.filter(
        pk=token_id, user=user, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    if not updated:
        raise NotFound("No such token.")


# --- OAuth applications -----------------------------------------------------------------------


def oauth_app_register(
    *, user: User, name: str, redirect_uris: str, client_type: str
) -> tuple[Any, str]:
    """Register an authorization-code app. Returns the app and its secret, shown once
    (django-oauth-toolkit stores only a hash)."""
    application_model = get_application_model()
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise ValidationFailed("Give the app a name of 1-100 characters.", code="name")
    uris = (redirect_uris or "").split()
    if not uris:
        raise ValidationFailed("Give at least one redirect URI.", code="redirect_uris")
    allowed = settings.OAUTH2_PROVIDER.get("ALLOWED_REDIRECT_URI_SCHEMES", ["https"])
    for uri in uris:
        scheme = uri.split(":", 1)[0].lower()
        if scheme not in allowed or "#" in uri or "://" not in uri:
            raise ValidationFailed(
                f"Redirect URIs must be absolute {' or '.join(allowed)} URLs without a "
                f"fragment: {uri[:100]!r} is not.",
                code="redirect_uris",
            )
    if client_type not in (application_model.CLIENT_CONFIDENTIAL, application_model.CLIENT_PUBLIC):
        raise ValidationFailed("Choose confidential or public.", code="client_type")
    if application_model.objects.filter(user=user).count() >= MAX_APPS_PER_USER:
        raise ValidationFailed(
            f"You can register at most {MAX_APPS_PER_USER} apps.", code="too_many_apps"
        )
    secret = generate_client_secret()
    app = application_model.objects.create(
        user=user,
        name=name,
        redirect_uris=" ".join(uris),
        client_type=client_type,
        authorization_grant_type=application_model.GRANT_AUTHORIZATION_CODE,
        client_secret=secret,
        skip_authorization=False,
    )
    return app, secret


def oauth_app_delete(*, user: User, application_id: int) -> None:
    deleted, _ = get_application_model().objects.filter(pk=application_id, user=user).delete()
    if not deleted:
        raise NotFound("No such app.")


def authorized_app_revoke(*, user: User, application_id: int) -> int:
    """Withdraw an app's access: every access token, refresh token and grant it holds for
    this person. Returns how many tokens were revoked."""
    access_model = get_access_token_model()
    refresh_model = get_refresh_token_model()
    revoked = 0
    with transaction.atomic():
        for refresh in refresh_model.objects.filter(
            user=user, application_id=application_id, revoked__isnull=True
        ):
            refresh.revoke()
            revoked += 1
        for access in access_model.objects.filter(user=user, application_id=application_id):
            access.revoke()
            revoked += 1
        get_grant_model().objects.filter(user=user, application_id=application_id).delete()
    if not revoked:
        raise NotFound("That app has no access to your account.")
    return revoked


# --- idempotent generation requests ---------------------------------------------------------------


def _request_hash(body: dict[str, Any]) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def generation_request_idempotent(
    *, user: User, key: str | None, body: dict[str, Any]
) -> tuple[GenerationJob, bool]:
    """`videos.services.generation_request` with an optional client idempotency key.
    `body` holds its keyword arguments (picked cameos as `cameo_ids`).

    Returns (job, replayed). The same key and body within API_IDEMPOTENCY_HOURS returns the
    first job; the same key with another body is a Conflict. The key row is written in the
    same transaction as the job, so a refused request (quota, moderation) keeps no key.
    """
    fields = {
        name: body[name]
        for name in ("prompt", "duration", "aspect", "resolution", "style", "camera", "seed")
        if name in body
    }
    # Picked cameos, as the Create page passes them; no picks and an empty list are one request.
    if body.get("cameo_ids"):
        fields["cameo_ids"] = list(body["cameo_ids"])
    if key is None:
        return generation_request(user=user, **fields), False
    key = key.strip()
    if not key or len(key) > IDEMPOTENCY_KEY_MAX:
        raise ValidationFailed(
            f"Idempotency-Key must be 1-{IDEMPOTENCY_KEY_MAX} characters.", code="idempotency_key"
        )
    request_hash = _request_hash(fields)
    cutoff = timezone.now() - dt.timedelta(hours=int(settings.API_IDEMPOTENCY_HOURS))
    with transaction.atomic():
        IdempotencyKey.objects.filter(user=user, key=key, created_at__lt=cutoff).delete()
        try:
            with transaction.atomic():
                row = IdempotencyKey.objects.create(user=user, key=key, request_hash=request_hash)
        except IntegrityError:
            existing = (
                IdempotencyKey.objects.select_related("job").filter(user=user, key=key).first()
            )
            if existing is None or existing.job is None:
                raise Conflict(
                    "A request with this Idempotency-Key is still being processed.",
                    code="idempotency_in_progress",
                ) from None
            if existing.request_hash != request_hash:
                raise Conflict(
                    "This Idempotency-Key was used with a different request body.",
                    code="idempotency_key_reused",
                ) from None
            return existing.job, True
        job = generation_request(user=user, **fields)
        row.job = job
        row.save(update_fields=["job"])
    return job, False


def idempotency_keys_purge() -> int:
    cutoff = timezone.now() - dt.timedelta(hours=int(settings.API_IDEMPOTENCY_HOURS))
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted


# --- webhooks ---------------------------------------------------------------------------------


def webhook_endpoint_create(
    *,
    user: User,
    application: Any | None,
    url: str,
    events: list[str],
    granted_scopes: frozenset[str],
) -> WebhookEndpoint:
    """Register a URL for events about `user`. The caller's token must hold the scope of each
    event (generation.* needs `generate`, video.published `videos:read`, cameo.used
    `cameos:read`)."""
    events = sorted(set(events or []))
    unknown = [event for event in events if event not in EVENT_SCOPES]
    if not events or unknown:
        raise ValidationFailed(
            f"Choose events from: {', '.join(EVENT_SCOPES)}.", code="webhook_events"
        )
    missing = sorted({EVENT_SCOPES[e] for e in events} - granted_scopes)
    if missing:
        raise PermissionDenied(
            f"Subscribing to these events needs the scopes: {', '.join(missing)}.",
            code="insufficient_scope",
        )
    if len(url) > 500:
        raise ValidationFailed("Webhook URLs are at most 500 characters.", code="webhook_url")
    webhook_target_resolve(url)
    mine = WebhookEndpoint.objects.filter(user=user, application=application)
    if mine.count() >= MAX_WEBHOOKS_PER_APP:
        raise ValidationFailed(
            f"At most {MAX_WEBHOOKS_PER_APP} webhooks per app.", code="too_many_webhooks"
        )
    return WebhookEndpoint.objects.create(
        user=user, application=application, url=url, events=events
    )


def webhook_endpoint_delete(*, user: User, application: Any | None, endpoint_id: int) -> None:
    deleted, _ = WebhookEndpoint.objects.filter(
        pk=endpoint_id, user=user, application=application
    ).delete()
    if not deleted:
        raise NotFound("No such webhook.")
