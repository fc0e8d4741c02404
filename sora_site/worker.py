"""Entry point for separate worker processes: `dramatiq sora_site.worker` (see `make worker`)."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sora_site.settings")
django.setup()

from sora_site.engine_check import require_engine_ready  # noqa: E402
from sora_site.tasks import import_all_actors  # noqa: E402
from sora_site.warm_up import worker_process_warm_up  # noqa: E402

require_engine_ready()  # a GPU worker without CUDA or its checkpoint refuses to start
import_all_actors()
worker_process_warm_up()  # so a worker's first job is not the one that loads the models
