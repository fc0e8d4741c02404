"""/ws/jobs/: live progress of the signed-in person's own jobs.

Authenticated by the session cookie (AuthMiddlewareStack); the origin is checked by
AllowedHostsOriginValidator in sora_site/asgi.py. Anonymous connections are refused before the
handshake completes. Each socket joins only the group `user.<its user id>`, so a person can
receive nothing about anyone else's jobs; on connect it sends the rows' current state, which
is how a page recovers whatever it missed while disconnected.
"""

from __future__ import annotations

import asyncio
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from videos.events import note_server_loop, user_group
from videos.selectors import job_snapshot_for_user

CLOSE_UNAUTHENTICATED = 4401


class JobProgressConsumer(AsyncJsonWebsocketConsumer):
    group: str | None = None

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        note_server_loop(asyncio.get_running_loop())
        self.group = user_group(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self._send_snapshot(user.pk)

    async def disconnect(self, code: int) -> None:
        if self.group is not None:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        # The only request a page makes: "tell me the current state again".
        if isinstance(content, dict) and content.get("type") == "sync":
            await self._send_snapshot(self.scope["user"].pk)

    async def job_progress(self, message: dict[str, Any]) -> None:
        await self.send_json(message["event"])

    async def _send_snapshot(self, user_id: int) -> None:
        events = await database_sync_to_async(job_snapshot_for_user)(user_id=user_id)
        await self.send_json({"type": "jobs.snapshot", "jobs": events})
