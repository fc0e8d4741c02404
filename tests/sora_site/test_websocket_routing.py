"""Websocket paths nobody serves are closed with 4404, not an exception (daphne's 500)."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator

from sora_site.routing import CLOSE_NOT_FOUND, websocket_application
from tests.factories import UserFactory
from tests.videos.ws import session_cookie

pytestmark = pytest.mark.django_db(transaction=True)

HEADERS = [(b"origin", b"http://testserver"), (b"host", b"testserver")]


def _connect(path: str, cookie: bytes | None = None) -> tuple[bool, Any]:
    async def scenario() -> tuple[bool, Any]:
        headers = [*HEADERS, (b"cookie", cookie)] if cookie else HEADERS
        socket = WebsocketCommunicator(websocket_application(), path, headers=headers)
        connected, code = await socket.connect()
        await socket.disconnect()
        return connected, code

    return async_to_sync(scenario)()


@pytest.mark.parametrize(
    "path", ["/ws/jobs/123/", "/ws/jobs/%00/", "/ws/nothing", "/", "/ws/jobs/" + "x" * 5000]
)
def test_unrouted_paths_are_closed_with_4404(path: str) -> None:
    assert _connect(path) == (False, CLOSE_NOT_FOUND)
    assert _connect(path, session_cookie(UserFactory())) == (False, CLOSE_NOT_FOUND)


def test_the_jobs_socket_is_still_served() -> None:
    connected, _ = _connect("/ws/jobs/", session_cookie(UserFactory()))
    assert connected is True
