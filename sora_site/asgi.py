"""ASGI entry point: HTTP through Django, websockets through Channels (served by daphne)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sora_site.settings")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter  # noqa: E402
from django.conf import settings  # noqa: E402

from sora_site.core.uploads import UploadLimitASGIMiddleware  # noqa: E402
from sora_site.routing import websocket_application  # noqa: E402
from sora_site.tasks import import_all_actors  # noqa: E402
from sora_site.warm_up import web_process_warm_up  # noqa: E402

import_all_actors()
web_process_warm_up()
if settings.INPROCESS_WORKER:
    from sora_site.broker import start_inprocess_worker
    from sora_site.engine_check import require_engine_ready

    require_engine_ready()
    start_inprocess_worker(settings.DRAMATIQ_WORKER_THREADS)

application = ProtocolTypeRouter(
    {
        # Django's ASGI handler copies a whole body before any middleware: limits go first.
        "http": UploadLimitASGIMiddleware(django_asgi_app),
        "websocket": websocket_application(),
    }
)
