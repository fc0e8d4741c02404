"""WSGI entry point: HTTP only, for gunicorn's sync workers; websockets stay on daphne (README,
"Running with PostgreSQL..."). Each worker loads the app, and warms it up, before it takes a
request."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sora_site.settings")
application = get_wsgi_application()

from django.conf import settings  # noqa: E402
from django.core.exceptions import ImproperlyConfigured  # noqa: E402

from sora_site.tasks import import_all_actors  # noqa: E402
from sora_site.warm_up import web_process_warm_up  # noqa: E402

if settings.INPROCESS_WORKER:
    # Jobs queued in a gunicorn worker's memory would never reach a worker or a websocket.
    raise ImproperlyConfigured(
        "sora_site.wsgi serves HTTP only and needs a shared broker and channel layer: set "
        "REDIS_URL (or BROKER_URL) and run `make worker`; without them use `make run` (daphne)."
    )
# The views enqueue actors by name, so the broker must know them, as in asgi.py.
import_all_actors()
web_process_warm_up()
