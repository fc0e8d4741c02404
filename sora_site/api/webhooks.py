"""Webhooks: events for a person's apps, signed, delivered in the background with retries.

`webhook_emit(event, user=..., payload=...)` is what other code calls (after its transaction
commits). It imports nothing heavy at module load, so any app may import it cheaply.

Signatures: header `Framecast-Signature: t=<unix seconds>,v1=<hex>` where
hex = HMAC-SHA256(secret, f"{t}.{raw body}"), and the Standard Webhooks headers OpenAI's webhooks
use (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64>`), so code that checks
Sora's `video.completed` events with the openai SDK's `client.webhooks.unwrap()` checks ours.
See docs/API.md for both recipes.

Targets must be http(s) URLs whose every resolved address is public. The check runs when the
URL is registered and again before each attempt, and the connection goes to the address that
was checked (no second DNS lookup that a rebinding attacker could answer differently).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import http.client
import ipaddress
import json
import logging
import socket
import ssl
import time
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.conf import settings

from sora_site.core.errors import ValidationFailed

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)

GENERATION_SUCCEEDED = "generation.succeeded"
GENERATION_FAILED = "generation.failed"
VIDEO_PUBLISHED = "video.published"
CAMEO_USED = "cameo.used"
# The names and `data` ({"id": video}) of OpenAI's video webhooks, for code written against Sora.
VIDEO_COMPLETED = "video.completed"
VIDEO_FAILED = "video.failed"
# Each event, and the scope an app needs to subscribe to it.
EVENT_SCOPES = {
    GENERATION_SUCCEEDED: "generate",
    GENERATION_FAILED: "generate",
    VIDEO_COMPLETED: "generate",
    VIDEO_FAILED: "generate",
    VIDEO_PUBLISHED: "videos:read",
    CAMEO_USED: "cameos:read",
}
EVENTS = tuple(EVENT_SCOPES)
SIGNATURE_HEADER = "Framecast-Signature"
USER_AGENT = "Framecast-Webhooks/1"
MAX_RESPONSE_BYTES = 4096


# --- signing ---------------------------------------------------------------------------------


def signature_compute(*, secret: str, timestamp: int, body: bytes) -> str:
    message = f"{timestamp}.".encode() + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(*, secret: str, timestamp: int, body: bytes) -> str:
    return f"t={timestamp},v1={signature_compute(secret=secret, timestamp=timestamp, body=body)}"


def standard_signature(*, secret: str, event_id: str, timestamp: int, body: bytes) -> str | None:
    """`webhook-signature` as Standard Webhooks (and so the openai SDK) checks it: the key is the
    base64 after `whsec_`, the message "<id>.<timestamp>.<body>". None for a secret made before
    secrets were standard base64 (it does not decode the way the SDK decodes it)."""
    try:
        key = base64.b64decode(secret.removeprefix("whsec_"), validate=True)
    except (binascii.Error, ValueError):
        return None
    message = f"{event_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, message, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


# --- target checks (SSRF) --------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str
    address: str  # the checked IP the connection goes to


class TargetRefused(ValidationFailed):
    """The URL itself is refused (policy, form): trying it again cannot succeed, unlike a name
    that does not resolve right now."""


def _address_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


def webhook_target_resolve(url: str) -> Target:
    """Parse, resolve and check a webhook URL. Raises ValidationFailed (code `webhook_url`)."""
    if any(char.isspace() or ord(char) < 0x20 or ord(char) == 0x7F for char in url):
        # http.client refuses such a request line, so every delivery would fail.
        raise TargetRefused(
            "Webhook URLs may not contain spaces or control characters (percent-encode them).",
            code="webhook_url",
        )
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise TargetRefused("That is not a valid URL.", code="webhook_url") from exc
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise TargetRefused("Webhook URLs must be http:// or https:// URLs.", code="webhook_url")
    if parts.username or parts.password:
        raise TargetRefused("Webhook URLs may not contain credentials.", code="webhook_url")
    port = port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise ValidationFailed("That host name does not resolve.", code="webhook_url") from exc
    addresses = [str(info[4][0]) for info in infos]
    if not addresses:
        raise ValidationFailed("That host name does not resolve.", code="webhook_url")
    if not settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS and not all(
        _address_public(a) for a in addresses
    ):
        raise TargetRefused(
            "Webhook URLs must point at a public internet address (not loopback, private, "
            "link-local, multicast or reserved).",
            code="webhook_url",
        )
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return Target(parts.scheme, parts.hostname, port, path, addresses[0])


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = target.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = target.address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        context = ssl.create_default_context()
        self.sock = context.wrap_socket(sock, server_hostname=self.host)


def http_post(target: Target, body: bytes, headers: dict[str, str]) -> int:
    """POST to the checked address; redirects are not followed. Returns the status code."""
    timeout = float(settings.WEBHOOK_TIMEOUT_SECONDS)
    connection: http.client.HTTPConnection = (
        _PinnedHTTPSConnection(target, timeout)
        if target.scheme == "https"
        else _PinnedHTTPConnection(target, timeout)
    )
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(MAX_RESPONSE_BYTES)
        return response.status
    finally:
        connection.close()


# --- emitting and delivering -------------------------------------------------------------------


def webhook_emit(event: str, *, user: User, payload: dict[str, Any]) -> int:
    """Queue `event` for every active endpoint of `user` subscribed to it. Returns how many.

    Call it after the change is committed (or from `transaction.on_commit`): deliveries are
    enqueued when the current transaction commits.
    """
    from django.db import transaction

    from sora_site.api.models import WebhookDelivery, WebhookEndpoint

    if event not in EVENT_SCOPES:
        raise ValueError(f"Unknown webhook event {event!r}")
    endpoints = [
        endpoint
        for endpoint in WebhookEndpoint.objects.filter(user_id=user.pk, is_active=True)
        if event in endpoint.events
    ]
    deliveries = [
        WebhookDelivery.objects.create(
            endpoint=endpoint,
            event=event,
            event_id=f"evt_{uuid.uuid4().hex}",
            payload=payload,
        )
        for endpoint in endpoints
    ]
    for delivery in deliveries:
        delivery_id = delivery.pk
        transaction.on_commit(lambda delivery_id=delivery_id: _enqueue(delivery_id))  # type: ignore[misc]
    return len(deliveries)


def _enqueue(delivery_id: int, delay_ms: int | None = None) -> None:
    from sora_site.api.tasks import deliver_webhook

    if delay_ms:
        deliver_webhook.send_with_options(args=(delivery_id,), delay=delay_ms)
    else:
        deliver_webhook.send(delivery_id)


def delivery_body(delivery: Any) -> bytes:
    created = int(delivery.created_at.timestamp())
    document = {
        "id": delivery.event_id,
        "object": "event",
        "type": delivery.event,
        "created": created,
        "created_at": created,  # the name OpenAI's events use
        "data": delivery.payload,
    }
    return json.dumps(document, separators=(",", ":"), sort_keys=True).encode()


def _delivery_headers(delivery: Any, body: bytes) -> dict[str, str]:
    secret = delivery.endpoint.secret
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "Framecast-Event": delivery.event,
        "Framecast-Delivery": delivery.event_id,
        SIGNATURE_HEADER: signature_header(secret=secret, timestamp=timestamp, body=body),
        "webhook-id": delivery.event_id,
        "webhook-timestamp": str(timestamp),
    }
    standard = standard_signature(
        secret=secret, event_id=delivery.event_id, timestamp=timestamp, body=body
    )
    if standard is not None:
        headers["webhook-signature"] = standard
    return headers


def backoff_seconds(attempt: int) -> float:
    """Exponential: base, 2*base, 4*base ... after the 1st, 2nd, 3rd failed attempt."""
    return float(settings.WEBHOOK_BACKOFF_SECONDS) * (2 ** max(attempt - 1, 0))


def webhook_delivery_attempt(delivery_id: int) -> str:
    """One attempt; on failure the next is scheduled with exponential backoff until
    WEBHOOK_MAX_ATTEMPTS. A target the address policy refuses fails at once (the policy gives
    the same answer every time). Returns the delivery's status afterwards."""
    import datetime as dt

    from django.db import transaction
    from django.utils import timezone

    from sora_site.api.models import WebhookDelivery

    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update()
            .select_related("endpoint")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or delivery.status != WebhookDelivery.Status.PENDING:
            return delivery.status if delivery else "missing"
        delivery.attempts += 1
        delivery.last_attempt_at = timezone.now()
        delivery.save(update_fields=["attempts", "last_attempt_at"])
    endpoint = delivery.endpoint
    body = delivery_body(delivery)
    error = ""
    refused = False
    status_code: int | None = None
    if not endpoint.is_active:
        error = "The endpoint was switched off."
    else:
        try:
            target = webhook_target_resolve(endpoint.url)
            status_code = http_post(target, body, _delivery_headers(delivery, body))
            if not 200 <= status_code < 300:
                error = f"The endpoint answered {status_code}."
        except TargetRefused as exc:
            error = f"Refused by the address policy: {exc.detail}"
            refused = True
        except ValidationFailed as exc:
            error = exc.detail
        except (OSError, http.client.HTTPException) as exc:
            error = f"Could not deliver: {type(exc).__name__}"
    now = timezone.now()
    delivery.response_status = status_code
    delivery.last_error = error[:300]
    retry_in: float | None = None
    if not error:
        delivery.status = WebhookDelivery.Status.SUCCEEDED
        delivery.delivered_at = now
        delivery.next_attempt_at = None
    elif (
        refused or delivery.attempts >= int(settings.WEBHOOK_MAX_ATTEMPTS) or not endpoint.is_active
    ):
        delivery.status = WebhookDelivery.Status.FAILED
        delivery.next_attempt_at = None
    else:
        retry_in = backoff_seconds(delivery.attempts)
        delivery.next_attempt_at = now + dt.timedelta(seconds=retry_in)
    delivery.save(
        update_fields=["status", "response_status", "last_error", "delivered_at", "next_attempt_at"]
    )
    logger.info(
        "api.webhook.attempt",
        extra={"delivery": delivery.pk, "status": delivery.status, "error": error},
    )
    if retry_in is not None:
        _enqueue(delivery.pk, delay_ms=int(retry_in * 1000))
    return str(delivery.status)
