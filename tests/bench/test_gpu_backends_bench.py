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
    argv = ["--small", "--steps", "3", "--families", "wan,ltx,ltx2", "--out", str(out)]
    report = _bench().main(argv)
    assert report["errors"] == {}
    assert json.loads(out.read_text())["families"].keys() == {"wan", "ltx", "ltx2"}
    for name, family in report["families"].items():
        for variant in ("stock", "engine_final", "engine_draft"):
            assert family[variant]["median_step_s"] > 0, (name, variant)
        assert family["engine_final_vs_stock_rel_err"] < 1e-4  # float32 on the CPU: exact path
        assert family["stock_vs_stock_rel_err"] == 0.0
        assert family["vae_decode"]["seconds"] > 0
    assert report["families"]["wan"]["engine_final"]["steps"] == 3
    audio = report["families"]["ltx2"]["audio_decode"]
    assert audio["seconds"] > 0 and audio["samples"] > 0  # the sound's decode is timed too


def test_the_ltx2_configuration_is_the_published_19b_one() -> None:
    import diffusers
    import torch
    from diffusers.pipelines.ltx2 import LTX2TextConnectors

    bench = _bench()
    with torch.device("meta"):  # shapes only: nothing is allocated
        transformer = diffusers.LTX2VideoTransformer3DModel(**bench.LTX2_19B)
        connectors = LTX2TextConnectors(**bench.LTX2_CONNECTORS)
    billions = sum(p.numel() for p in transformer.parameters()) / 1e9
    assert 18.5 < billions < 19.5 and transformer.config.num_layers == 48
    width = bench.LTX2_CONNECTORS["caption_channels"] * bench.LTX2_CONNECTORS["text_proj_in_factor"]
    assert bench.FULL["ltx2"]["text_dim"] == width and sum(
        p.numel() for p in connectors.parameters()
    )
    assert bench.FULL["ltx2-10s"]["frames"] == 10 * 24 + 1
