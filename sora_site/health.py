"""Readiness checks: each returns None when the component answers, else a short reason."""

from __future__ import annotations

import logging
from collections.abc import Callable

import dramatiq
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.files.storage import default_storage
from django.db import connection

logger = logging.getLogger(__name__)


def check_database() -> str | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return None


def check_broker() -> str | None:
    broker = dramatiq.get_broker()
    client = getattr(broker, "client", None)  # RedisBroker
    if client is not None:
        client.ping()
        return None
    connection_ = getattr(broker, "connection", None)  # RabbitmqBroker opens lazily
    if connection_ is not None and not connection_.is_open:
        return "broker connection closed"
    return None


def check_channel_layer() -> str | None:
    layer = get_channel_layer()
    if layer is None:
        return "no channel layer configured"
    async_to_sync(layer.group_send)("healthcheck", {"type": "health.ping"})
    return None


def check_storage() -> str | None:
    default_storage.exists("healthcheck-probe")
    return None


CHECKS: dict[str, Callable[[], str | None]] = {
    "database": check_database,
    "broker": check_broker,
    "channel_layer": check_channel_layer,
    "storage": check_storage,
}


def run_checks() -> dict[str, str]:
    """Every check, each isolated: one failing component must not hide the others."""
    results: dict[str, str] = {}
    for name, check in CHECKS.items():
        try:
            problem = check()
        except Exception as exc:
            logger.warning("readyz.check_failed", extra={"component": name, "error": repr(exc)})
            problem = type(exc).__name__
        results[name] = "ok" if problem is None else f"error: {problem}"
    return results
