"""The site with GEN_ENGINE_BACKEND=diffusers: settings reach the engine, a job makes a signed
clip from a (tiny) local checkpoint, and a worker that cannot run it refuses to start."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import torch
from django.core.files.storage import default_storage
from django.test import override_settings

from gen_engine.diffusion import loader
from gen_engine.diffusion.tiny import build_tiny_checkpoint
from gen_engine.pipeline import generate_unchecked
from gen_engine.provenance import verify
from gen_engine.types import GenerationSpec
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
