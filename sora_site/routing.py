"""Websocket routes of every app, and the websocket side of the ASGI application."""

from __future__ import annotations

from typing import Any

from channels.generic.websocket import AsyncWebsocketConsumer
from django.urls import re_path

from videos.routing import websocket_urlpatterns as videos_websockets

# Like the 4401 of videos.consumers: an application close code (4000-4999) for "no such socket".
CLOSE_NOT_FOUND = 4404


class UnroutedConsumer(AsyncWebsocketConsumer):
    """Any path no app serves. Without it Channels' URLRouter raises ValueError and the server
    answers the handshake with a 500."""

    async def connect(self) -> None:
        await self.close(code=CLOSE_NOT_FOUND)


websocket_urlpatterns: list[Any] = [
    *videos_websockets,
    re_path(r"^[\s\S]*$", UnroutedConsumer.as_asgi()),  # last: everything else
]


def websocket_application() -> Any:
    """Origin check, then the session, then the routes (what sora_site/asgi.py serves)."""
    from channels.auth import AuthMiddlewareStack
    from channels.routing import URLRouter
    from channels.security.websocket import AllowedHostsOriginValidator

    return AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)))
