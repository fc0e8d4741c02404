"""Who is calling: a personal access token, an OAuth2 access token, or the site's own session.

Personal access tokens look like `fcp_<prefix>_<secret>`. The prefix finds the row; only the
SHA-256 of the whole token is stored, compared in constant time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from typing import Any

from django.utils import timezone
from oauth2_provider.contrib.rest_framework import OAuth2Authentication
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from sora_site.api.models import PersonalAccessToken

PAT_MARK = "fcp_"
# last_used_at is written at most this often per token: one write per request would make
# every API call a database write.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _bearer(request: Request) -> str | None:
    header = get_authorization_header(request).split()
    if len(header) != 2 or header[0].lower() != b"bearer":
        return None
    try:
        return header[1].decode("ascii")
    except UnicodeDecodeError:
        return None


class PersonalAccessTokenAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[Any, PersonalAccessToken] | None:
        token = _bearer(request)
        if token is None or not token.startswith(PAT_MARK):
            return None  # not ours: OAuth2 may know it
        parts = token[len(PAT_MARK) :].split("_", 1)
        failed = exceptions.AuthenticationFailed("Invalid or revoked token.", code="invalid_token")
        if len(parts) != 2 or not parts[0]:
            raise failed
        row = (
            PersonalAccessToken.objects.select_related("user")
            .filter(prefix=parts[0], revoked_at__isnull=True)
            .first()
        )
        if row is None or not hmac.compare_digest(row.token_hash, token_hash(token)):
            raise failed
        if not row.is_active or not row.user.is_active:
            raise failed
        now = timezone.now()
        if row.last_used_at is None or now - row.last_used_at > LAST_USED_RESOLUTION:
            PersonalAccessToken.objects.filter(pk=row.pk).update(last_used_at=now)
        return row.user, row

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


class OAuth2BearerAuthentication(OAuth2Authentication):
    """django-oauth-toolkit's check, refusing tokens of people who were deactivated."""

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        result = super().authenticate(request)
        if result is not None and not result[0].is_active:
            raise exceptions.AuthenticationFailed("Invalid token.", code="invalid_token")
        if result is None and _bearer(request) is not None:
            # A Bearer token that is neither ours nor valid OAuth: say so instead of falling
            # through to "not logged in".
            raise exceptions.AuthenticationFailed(
                "Invalid, expired or revoked token.", code="invalid_token"
            )
        return result
