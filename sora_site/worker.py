"""Entry point for separate worker processes: `dramatiq sora_site.worker` (see `make worker`)."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sora_site.settings")
django.setup()

from sora_site.tasks import import_all_actors  # noqa: E402

import_all_actors()
