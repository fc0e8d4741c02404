from __future__ import annotations

from django.urls import path

from videos.consumers import JobProgressConsumer

websocket_urlpatterns = [path("ws/jobs/", JobProgressConsumer.as_asgi())]
