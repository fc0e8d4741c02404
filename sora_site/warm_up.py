"""What a process loads once, at start, before it takes any work.

Every POST to Create (and the API's generations, remixes, captions and comments) runs the prompt
classifier, whose sentence-embedding model takes seconds to load; every finished video goes
through the output check (the same classifier for its dialogue, and an ONNX nudity detector).
Loaded lazily, the first requests of a fresh web process, and the first job of each worker, paid
that, and everyone queued behind them waited: 20 people posting at once to a new daphne waited
~6 s each, and a worker's first job took 15-19 s instead of ~1.2 s at load 9
(bench/generation_load.py). The entry points call these before they take any work."""

from __future__ import annotations

import logging
import time

from django.conf import settings

logger = logging.getLogger(__name__)


def web_process_warm_up() -> None:
    """asgi.py and wsgi.py: each daphne process and each gunicorn worker."""
    if not settings.WARM_UP:
        return
    from moderation.classifier import warm_up

    started = time.perf_counter()
    warm_up()
    logger.info("web.warm_up.done", extra={"seconds": round(time.perf_counter() - started, 2)})


def worker_process_warm_up() -> None:
    """sora_site/worker.py: each Dramatiq worker process, before it consumes a message."""
    if not settings.WARM_UP:
        return
    from gen_engine.director import warm_up as director_warm_up
    from moderation.classifier import warm_up
    from moderation.output_check import get_detector

    started = time.perf_counter()
    warm_up()
    get_detector()
    director_warm_up()  # the vocabulary's embeddings: ~3 s the first prompt paid before
    if settings.GEN_ENGINE_BACKEND == "diffusers":
        _load_gpu_models()
    logger.info("worker.warm_up.done", extra={"seconds": round(time.perf_counter() - started, 2)})


def _load_gpu_models() -> None:
    """A GPU worker's checkpoint (tens of GB for LTX-2) and its speech recogniser, loaded
    before the first job instead of inside it. A failure here is logged, not raised: the job
    that needs the model reports it to its owner, and the worker's start check
    (sora_site/engine_check.py) has already refused a missing checkpoint or CUDA."""
    from gen_engine.diffusion import loader
    from gen_engine.types import GenerationError
    from videos.engine_adapter import diffusion_settings

    try:
        loader.load(diffusion_settings())
        if settings.GEN_ENGINE_ASR_DIR:
            from gen_engine.transcribe import load_recognizer

            load_recognizer(settings.GEN_ENGINE_ASR_DIR)
    except GenerationError as error:
        logger.warning(
            "worker.warm_up.model_failed", extra={"code": error.code, "reason": error.message}
        )
