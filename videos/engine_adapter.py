"""Models -> GenerationSpec -> gen_engine.generate -> stored files. The only door to the engine.

Test seam: the engine callable is `gen_engine.generate` unless
  * a test assigns `ENGINE_GENERATE` in this module (unit tests, same process), or
  * the environment names another one: FRAMECAST_ENGINE_CALLABLE="package.module:function"
    (used by the multi-process integration tests to run workers with a fast stand-in).
The default is always the real engine; the variable is for tests and benchmarks only.
"""

from __future__ import annotations

import importlib
import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage

from cameos.engine import cameo_engine_ref
from cameos.models import Cameo
from gen_engine.types import DiffusionSettings, GenerationSpec, RemixOf, ScenePlan
from videos.models import Video

ENV_CALLABLE = "FRAMECAST_ENGINE_CALLABLE"
DEFAULT_CALLABLE = "gen_engine:generate"

EngineFunction = Callable[..., Any]
ENGINE_GENERATE: EngineFunction | None = None


def engine_function() -> EngineFunction:
    if ENGINE_GENERATE is not None:
        return ENGINE_GENERATE
    target = os.environ.get(ENV_CALLABLE, "") or DEFAULT_CALLABLE
    module_name, _, attribute = target.partition(":")
    function: EngineFunction = getattr(importlib.import_module(module_name), attribute)
    return function


def spec_for(video: Video, work_dir: str | None = None) -> GenerationSpec:
    """The engine's spec for `video`. A remix also carries its parent's plan, and a local copy
    of the parent's signed file (in `work_dir`) for the C2PA ingredient."""
    return GenerationSpec(
        cameos=tuple(cameo_engine_ref(cameo) for cameo in _cameos(video)),
        remix_of=_remix_of(video, work_dir),
        prompt=video.prompt,
        duration=video.duration,
        aspect=video.aspect,
        resolution=video.resolution,
        seed=video.seed,
        style=video.style or None,
        camera=video.camera or None,
        creator_handle=video.owner.handle,
        video_id=video.public_id,
        watermark_id=video.watermark_id,
        backend=settings.GEN_ENGINE_BACKEND,
        diffusion=diffusion_settings() if settings.GEN_ENGINE_BACKEND == "diffusers" else None,
    )


def diffusion_settings() -> DiffusionSettings:
    """The operator's diffusers-backend settings (README "GPU checkpoints")."""
    return DiffusionSettings(
        model_dir=settings.GEN_ENGINE_MODEL_DIR,
        mode=settings.GEN_ENGINE_MODE,
        quality=settings.GEN_ENGINE_QUALITY,
        strength=settings.GEN_ENGINE_STRENGTH,
        steps=settings.GEN_ENGINE_STEPS or None,
        memory=settings.GEN_ENGINE_MEMORY,
        compile=settings.GEN_ENGINE_COMPILE,
        device=settings.GEN_ENGINE_DEVICE,
        audio=settings.GEN_ENGINE_AUDIO,
        ic_lora=settings.GEN_ENGINE_IC_LORA,
    )


def _cameos(video: Video) -> list[Cameo]:
    by_id = {c.pk: c for c in Cameo.objects.filter(pk__in=video.cameo_ids).select_related("owner")}
    return [by_id[pk] for pk in video.cameo_ids if pk in by_id]


def _remix_of(video: Video, work_dir: str | None) -> RemixOf | None:
    parent = video.parent
    if parent is None or not parent.plan:
        return None
    parent_path = None
    if work_dir is not None and parent.video_file.name:
        target = Path(work_dir) / "parent.mp4"
        try:
            with default_storage.open(parent.video_file.name, "rb") as source:
                target.write_bytes(source.read())
            parent_path = str(target)
        except OSError:  # the parent's file is gone: the remix is still made, unlinked
            parent_path = None
    return RemixOf(
        parent_plan=ScenePlan.from_dict(parent.plan),
        edit_prompt=video.remix_edit,
        parent_video_path=parent_path,
        parent_video_id=parent.public_id,
    )


def output_names(public_id: str) -> tuple[str, str]:
    """Server-made names: a fresh random part per run, so two runs never overwrite each other."""
    token = secrets.token_urlsafe(12)
    return f"videos/{public_id}/{token}.mp4", f"videos/{public_id}/{token}.jpg"


def store_outputs(*, public_id: str, video_path: str, poster_path: str) -> tuple[str, str]:
    """Copy the engine's files into default storage; returns the names actually stored."""
    video_name, poster_name = output_names(public_id)
    stored: list[str] = []
    try:
        for source, name in ((video_path, video_name), (poster_path, poster_name)):
            with Path(source).open("rb") as handle:
                stored.append(default_storage.save(name, File(handle, name=Path(name).name)))
    except Exception:
        for name in stored:
            default_storage.delete(name)
        raise
    return stored[0], stored[1]
