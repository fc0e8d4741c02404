"""bench/gpu_backends.py keeps working: its --small run builds both published families' code
paths on tiny configs on the CPU, times stock and engine, and finds them in agreement."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

BENCH = Path(__file__).resolve().parents[2] / "bench" / "gpu_backends.py"


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_gpu_backends", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_small_run_times_every_variant_and_engine_agrees_with_stock(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    report = _bench().main(["--small", "--steps", "3", "--out", str(out)])
    assert report["errors"] == {}
    assert json.loads(out.read_text())["families"].keys() == {"wan", "ltx"}
    for name, family in report["families"].items():
        for variant in ("stock", "engine_final", "engine_draft"):
            assert family[variant]["median_step_s"] > 0, (name, variant)
        assert family["engine_final_vs_stock_rel_err"] < 1e-4  # float32 on the CPU: exact path
        assert family["stock_vs_stock_rel_err"] == 0.0
        assert family["vae_decode"]["seconds"] > 0
    assert report["families"]["wan"]["engine_final"]["steps"] == 3
