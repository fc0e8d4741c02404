"""A worker that would run the diffusers backend checks, before it takes any job, that it can.

Without this, a GPU worker with no CUDA or no checkpoint would take jobs and fail every one of
them; refusing to start puts the reason in front of the operator at once.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from gen_engine.types import GenerationError


def require_engine_ready() -> str:
    """Describe the engine this worker will run, or raise ImproperlyConfigured saying why not."""
    if settings.GEN_ENGINE_BACKEND != "diffusers":
        return "default engine"
    from gen_engine.diffusion.loader import check_gpu_worker

    try:
        return check_gpu_worker(settings.GEN_ENGINE_MODEL_DIR, settings.GEN_ENGINE_DEVICE)
    except GenerationError as error:
        raise ImproperlyConfigured(
            f"This worker cannot run the diffusers backend: {error.message}"
        ) from error
