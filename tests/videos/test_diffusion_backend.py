"""The site with GEN_ENGINE_BACKEND=diffusers: settings reach the engine, a job makes a signed
clip from a (tiny) local checkpoint, and a worker that cannot run it refuses to start."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from django.core.files.storage import default_storage
from django.test import override_settings

from gen_engine.diffusion import loader
from gen_engine.diffusion.tiny import build_tiny_checkpoint
from gen_engine.pipeline import generate_unchecked
from gen_engine.provenance import verify
from gen_engine.types import GenerationSpec
from tests.gen_engine.conftest import decode_clip
from tests.videos.factories import GenerationJobFactory
from videos import engine_adapter
from videos.models import GenerationJob, Video
from videos.runner import job_run

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def ltx_checkpoint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_checkpoint("ltx", tmp_path_factory.mktemp("ckpt") / "ltx-tiny")


def test_job_runs_through_the_diffusers_backend(
    ltx_checkpoint: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[GenerationSpec] = []

    def tiny_engine(spec: GenerationSpec, out_dir: Any, **kwargs: Any) -> Any:
        seen.append(spec)
        assert spec.diffusion is not None
        small = replace(
            spec,
            duration=1,
            resolution=144,
            diffusion=replace(spec.diffusion, working_size=(32, 64), window_frames=9),
        )
        return generate_unchecked(small, out_dir, **kwargs)

    monkeypatch.setattr(engine_adapter, "ENGINE_GENERATE", tiny_engine)
    job = GenerationJobFactory()
    with override_settings(
        GEN_ENGINE_BACKEND="diffusers",
        GEN_ENGINE_MODEL_DIR=str(ltx_checkpoint),
        GEN_ENGINE_QUALITY="draft",
        GEN_ENGINE_STEPS=3,
        GEN_ENGINE_STRENGTH=0.6,
        GEN_ENGINE_DEVICE="cpu",
    ):
        job_run(job.pk)
    loader.unload_all()
    job.refresh_from_db()
    assert job.status == GenerationJob.Status.SUCCEEDED, job.error_message
    settings_used = seen[0].diffusion
    assert settings_used is not None and seen[0].backend == "diffusers"
    assert (settings_used.quality, settings_used.steps, settings_used.strength) == ("draft", 3, 0.6)
    video = Video.objects.get(pk=job.video_id)
    local = tmp_path / "clip.mp4"
    with default_storage.open(video.video_file.name, "rb") as stored:
        local.write_bytes(stored.read())
    report = verify(local)
    assert report.state == "Trusted" and report.summary["backend"] == "diffusers"
    assert report.summary["model"] == "ltx-tiny"


@pytest.fixture(scope="module")
def ltx2_checkpoint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_checkpoint("ltx2", tmp_path_factory.mktemp("ckpt2") / "ltx2-tiny")


def test_a_gpu_job_with_ltx2_ends_as_a_draft_whose_sound_is_the_models(
    ltx2_checkpoint: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[Any] = []

    def tiny_engine(spec: GenerationSpec, out_dir: Any, **kwargs: Any) -> Any:
        assert spec.diffusion is not None and spec.diffusion.audio == "model"
        small = replace(
            spec,
            duration=1,
            resolution=144,
            diffusion=replace(spec.diffusion, working_size=(32, 64)),
        )
        made.append(small)
        return generate_unchecked(small, out_dir, **kwargs)

    monkeypatch.setattr(engine_adapter, "ENGINE_GENERATE", tiny_engine)
    job = GenerationJobFactory()
    with override_settings(
        GEN_ENGINE_BACKEND="diffusers",
        GEN_ENGINE_MODEL_DIR=str(ltx2_checkpoint),
        GEN_ENGINE_MODE="text",
        GEN_ENGINE_STEPS=2,
        GEN_ENGINE_DEVICE="cpu",
    ):
        job_run(job.pk)
    loader.unload_all()
    job.refresh_from_db()
    assert job.status == GenerationJob.Status.SUCCEEDED, job.error_message
    video = Video.objects.get(pk=job.video_id)
    assert video.status == Video.Status.DRAFT_READY  # playable, not held
    local = tmp_path / "clip.mp4"
    with default_storage.open(video.video_file.name, "rb") as stored:
        local.write_bytes(stored.read())
    decoded = decode_clip(local)
    assert decoded.frame_count == 24 and decoded.audio_duration == pytest.approx(1.0, abs=0.05)
    report = verify(local)
    assert report.state == "Trusted" and report.summary["audio"]["source"] == "model"
    # The default engine's track for the same spec is another sound altogether.
    engine_only = replace(made[0], backend="default", diffusion=None)
    engine_clip = generate_unchecked(engine_only, tmp_path / "engine")
    engine_audio = decode_clip(engine_clip.video_path).audio
    count = min(len(engine_audio), len(decoded.audio))
    x, y = engine_audio[:count].mean(axis=1), decoded.audio[:count].mean(axis=1)
    assert abs(float(np.dot(x, y))) / float(np.linalg.norm(x) * np.linalg.norm(y)) < 0.5
    assert float(np.sqrt(np.mean(decoded.audio**2))) > 0.02


def _worker_start(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "import sora_site.worker"],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "sora_site.settings", **env},
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_worker_without_its_checkpoint_refuses_to_start(tmp_path: Path) -> None:
    started = _worker_start(
        {"GEN_ENGINE_BACKEND": "diffusers", "GEN_ENGINE_MODEL_DIR": str(tmp_path / "missing")}
    )
    assert started.returncode != 0
    assert "cannot run the diffusers backend" in started.stderr
    assert "does not exist" in started.stderr


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the refusal on a machine with no GPU")
def test_gpu_worker_without_cuda_refuses_to_start(ltx_checkpoint: Path) -> None:
    started = _worker_start(
        {"GEN_ENGINE_BACKEND": "diffusers", "GEN_ENGINE_MODEL_DIR": str(ltx_checkpoint)}
    )
    assert started.returncode != 0 and "needs a CUDA GPU" in started.stderr


def test_unknown_backend_is_a_configuration_error() -> None:
    started = _worker_start({"GEN_ENGINE_BACKEND": "wan"})
    assert started.returncode != 0 and "expected 'default' or 'diffusers'" in started.stderr
