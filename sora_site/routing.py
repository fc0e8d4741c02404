"""Websocket routes of every app."""

from __future__ import annotations

from typing import Any

from videos.routing import websocket_urlpatterns as videos_websockets

websocket_urlpatterns: list[Any] = [*videos_websockets]
