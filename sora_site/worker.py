"""Entry point for separate worker processes: `dramatiq sora_site.worker` (see `make worker`)."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sora_site.settings")
django.setup()

from sora_site.engine_check import require_engine_ready  # noqa: E402
from sora_site.tasks import import_all_actors  # noqa: E402
from sora_site.warm_up import worker_process_warm_up  # noqa: E402


def _boot_recovery() -> None:
    """Before this process takes work: delete the work folders of dead processes on this
    machine, and - when the supervisor restarts a slot whose process died - put that process's
    jobs back at once instead of after their heartbeat expires (sora_site.supervise)."""
    from videos.runner import job_temp_dirs_clean
    from videos.services import jobs_release_instance

    job_temp_dirs_clean()
    previous = os.environ.get("FRAMECAST_WORKER_PREVIOUS_INSTANCE", "")
    if previous:
        jobs_release_instance(instance=previous)
        os.environ.pop("FRAMECAST_WORKER_PREVIOUS_INSTANCE", None)


require_engine_ready()  # a GPU worker without CUDA or its checkpoint refuses to start
import_all_actors()
_boot_recovery()
worker_process_warm_up()  # so a worker's first job is not the one that loads the models
