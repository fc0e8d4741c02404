"""The serving topology: HTTP on one-request-at-a-time WSGI workers, websockets on daphne, and
database connections that neither server can pile up (README, production)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.test import override_settings

from gen_engine.diffusion.tiny import build_tiny_checkpoint
from sora_site import warm_up
from tests.sora_site.test_settings import _run, _settings

PRINT_CONN_MAX_AGE = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps(s.DATABASES['default'].get('CONN_MAX_AGE')))"
)
POSTGRES = "postgres://postgres@db.internal:5432/framecast"


def _conn_max_age(**env: str) -> object:
    result = _run(["-c", PRINT_CONN_MAX_AGE], **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_postgres_connections_are_not_kept_by_default() -> None:
    # daphne runs each request on a thread of its own; a kept connection per thread exhausted
    # PostgreSQL's max_connections under load (docs/PERFORMANCE.md, "Feed").
    assert _conn_max_age(DATABASE_URL=POSTGRES) == 0


def test_wsgi_workers_may_keep_their_connection() -> None:
    assert _conn_max_age(DATABASE_URL=POSTGRES, DATABASE_CONN_MAX_AGE="60") == 60


def test_sqlite_development_settings_are_unchanged(tmp_path: Path) -> None:
    assert _settings(FRAMECAST_VAR_DIR=str(tmp_path))["db"] == "django.db.backends.sqlite3"


def test_wsgi_entry_point_refuses_to_run_without_a_shared_broker(tmp_path: Path) -> None:
    result = _run(
        ["-c", "import sora_site.wsgi"], FRAMECAST_VAR_DIR=str(tmp_path), FRAMECAST_WARM_UP="0"
    )
    assert result.returncode != 0
    assert "needs a shared broker" in result.stderr
    assert "REDIS_URL" in result.stderr


def test_wsgi_entry_point_loads_the_prompt_model_before_serving(tmp_path: Path) -> None:
    # Redis is never contacted while the app loads, so an address nobody listens on will do.
    script = (
        "import sora_site.wsgi as w; from moderation import classifier; "
        "print(callable(w.application), classifier._bank is not None)"
    )
    result = _run(
        ["-c", script], FRAMECAST_VAR_DIR=str(tmp_path), REDIS_URL="redis://127.0.0.1:9/0"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "True True"


@pytest.mark.parametrize(("enabled", "calls"), [(True, 1), (False, 0)])
def test_warm_up_follows_its_setting(
    monkeypatch: pytest.MonkeyPatch, enabled: bool, calls: int
) -> None:
    seen: list[bool] = []
    monkeypatch.setattr("moderation.classifier.warm_up", lambda: seen.append(True))
    with override_settings(WARM_UP=enabled):
        warm_up.web_process_warm_up()
    assert len(seen) == calls


@pytest.mark.parametrize(("enabled", "calls"), [(True, 3), (False, 0)])
def test_worker_warm_up_loads_the_classifier_the_output_detector_and_the_director(
    monkeypatch: pytest.MonkeyPatch, enabled: bool, calls: int
) -> None:
    loaded: list[str] = []
    monkeypatch.setattr("moderation.classifier.warm_up", lambda: loaded.append("classifier"))
    monkeypatch.setattr("moderation.output_check.get_detector", lambda: loaded.append("detector"))
    monkeypatch.setattr("gen_engine.director.warm_up", lambda: loaded.append("director"))
    with override_settings(WARM_UP=enabled):
        warm_up.worker_process_warm_up()
    assert sorted(loaded) == (["classifier", "detector", "director"] if enabled else [])
    assert len(loaded) == calls


def test_a_fresh_worker_has_the_director_ready_before_its_first_job(tmp_path: Path) -> None:
    # Issue 18: the first prompt a new worker planned used to spend ~3 s loading the director's
    # model and vocabulary embeddings; the worker's warm-up now does that before any job.
    script = (
        "import django; django.setup(); from sora_site.warm_up import worker_process_warm_up; "
        "import gen_engine.director as d; before = d.is_loaded(); worker_process_warm_up(); "
        "print(before, d.is_loaded())"
    )
    result = _run(["-c", script], FRAMECAST_VAR_DIR=str(tmp_path), FRAMECAST_WARM_UP="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False True"


def test_a_gpu_worker_loads_its_checkpoint_and_recogniser_before_the_first_job(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from gen_engine.diffusion import loader

    for name in ("moderation.classifier.warm_up", "moderation.output_check.get_detector",
                 "gen_engine.director.warm_up"):  # fmt: skip
        monkeypatch.setattr(name, lambda: None)
    heard: list[str] = []
    monkeypatch.setattr(
        "gen_engine.transcribe.load_recognizer", lambda folder: heard.append(folder)
    )
    checkpoint = build_tiny_checkpoint("ltx2", tmp_path / "ltx2")
    gpu = {"GEN_ENGINE_BACKEND": "diffusers", "GEN_ENGINE_DEVICE": "cpu", "WARM_UP": True}
    try:
        with override_settings(
            **gpu, GEN_ENGINE_MODEL_DIR=str(checkpoint), GEN_ENGINE_ASR_DIR="/w"
        ):
            warm_up.worker_process_warm_up()
        assert [m.family.name for m in loader._CACHE.values()] == ["ltx2"] and heard == ["/w"]
        loader.unload_all()
        # A checkpoint that cannot be loaded is logged; the worker still starts.
        with override_settings(**gpu, GEN_ENGINE_MODEL_DIR=str(tmp_path / "gone")):
            warm_up.worker_process_warm_up()
        assert loader._CACHE == {}
    finally:
        loader.unload_all()
