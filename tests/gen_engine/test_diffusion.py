"""The diffusers backend on tiny random-weight checkpoints of each family, built offline.

Every test goes through the product's own loader (`from_pretrained` of a folder written by
`save_pretrained`) and, where it can, through `generate` to a decoded, signed MP4.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from PIL import Image

from gen_engine.diffusion import clip, families, loader
from gen_engine.diffusion.tiny import build_tiny_checkpoint
from gen_engine.pipeline import ReadAhead, generate_unchecked, validate_spec
from gen_engine.provenance import verify
from gen_engine.types import (
    CameoRef,
    DiffusionSettings,
    GenerationCancelled,
    GenerationError,
    GenerationSpec,
)
from tests.gen_engine.conftest import decode_clip

FAMILIES = ("wan", "ltx", "cogvideox")


@pytest.fixture(scope="module")
def checkpoints(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("checkpoints")
    return {name: build_tiny_checkpoint(name, root / name) for name in FAMILIES}


@pytest.fixture(autouse=True)
def _fresh_cache() -> Any:
    yield
    loader.unload_all()


def tiny_spec(folder: Path, **diffusion: Any) -> GenerationSpec:
    options: dict[str, Any] = {"steps": 3, "working_size": (32, 64), "window_frames": 9}
    options.update(diffusion)
    return GenerationSpec(
        prompt="a red ball bounces on the beach at sunset",
        duration=1,
        resolution=144,
        seed=11,
        backend="diffusers",
        diffusion=DiffusionSettings(model_dir=str(folder), **options),
        video_id="vid-diffusion",
        watermark_id=77,
    )


def test_each_family_is_recognised_from_its_model_index(checkpoints: dict[str, Path]) -> None:
    assert [families.detect_family(checkpoints[n]).name for n in FAMILIES] == list(FAMILIES)


@pytest.mark.parametrize(
    ("index", "code", "words"),
    [
        (None, "checkpoint_missing", "does not exist"),
        ("", "checkpoint_invalid", "no model_index.json"),
        ("{not json", "checkpoint_invalid", "could not be read"),
        ('{"_class_name": "StableDiffusionPipeline"}', "checkpoint_unsupported", "not supported"),
        ('{"_class_name": "WanImageToVideoPipeline"}', "checkpoint_unsupported", "from an image"),
    ],
)
def test_unusable_checkpoints_are_refused_with_a_reason(
    tmp_path: Path, index: str | None, code: str, words: str
) -> None:
    folder = tmp_path / "model"
    if index is not None:
        folder.mkdir()
        if index:
            (folder / "model_index.json").write_text(index)
    with pytest.raises(GenerationError) as caught:
        families.detect_family(folder)
    assert caught.value.code == code and words in caught.value.message


def test_the_diffusers_backend_needs_its_settings() -> None:
    with pytest.raises(GenerationError) as caught:
        validate_spec(GenerationSpec(prompt="a dog", backend="diffusers"))
    assert caught.value.code == "backend_not_configured"


@pytest.mark.parametrize("family", FAMILIES)
def test_generate_makes_a_signed_clip_from_the_physics_render(
    family: str, checkpoints: dict[str, Path], tmp_path: Path
) -> None:
    progress: list[tuple[str, float]] = []
    spec = tiny_spec(checkpoints[family])
    result = generate_unchecked(
        spec, tmp_path, on_progress=lambda p: progress.append((p.stage, p.fraction))
    )
    decoded = decode_clip(result.video_path)
    assert (decoded.width, decoded.height, decoded.frame_count) == (144, 256, 24)
    assert decoded.audio_codec == "aac" and decoded.audio_duration == pytest.approx(1.0, abs=0.05)
    fractions = [fraction for _stage, fraction in progress]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    steps = [f for stage, f in progress if stage == "diffuse"]
    assert len(set(steps)) >= 3 and steps[-1] == pytest.approx(0.88)  # every step reports
    report = verify(result.video_path)
    assert report.state == "Trusted"
    assert report.summary["backend"] == "diffusers" and report.summary["model"] == family
    assert sorted(p.name for p in tmp_path.iterdir()) == ["poster.jpg", "video.mp4"]


def _frame(path: str, index: int) -> np.ndarray:
    frames = decode_clip(path, keep_frames=True).frames
    assert frames is not None
    return frames[index].astype(np.float32)


@pytest.mark.parametrize("family", ["wan", "ltx"])
def test_video_to_video_follows_the_physics_render_as_far_as_strength_says(
    family: str, checkpoints: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two physics renders of one prompt (static vs panning camera), the model's text and seed
    held equal: at low strength the outputs differ as their renders do; at full strength the
    render is ignored and they agree."""
    monkeypatch.setattr(clip, "describe", lambda _spec, _plan: "a red ball on the beach")

    def frame(camera: str, strength: float) -> np.ndarray:
        spec = tiny_spec(checkpoints[family], strength=strength)
        out = tmp_path / f"{camera}-{strength}"
        return _frame(generate_unchecked(replace(spec, camera=camera), out).video_path, 12)

    follows = np.abs(frame("static", 0.3) - frame("pan", 0.3)).mean()
    ignores = np.abs(frame("static", 1.0) - frame("pan", 1.0)).mean()
    assert follows > 3 * ignores + 1.0, (follows, ignores)


def test_same_seed_gives_the_same_frames_and_another_seed_does_not(
    checkpoints: dict[str, Path], tmp_path: Path
) -> None:
    spec = tiny_spec(checkpoints["cogvideox"], mode="text")
    first = _frame(generate_unchecked(spec, tmp_path / "a").video_path, 5)
    again = _frame(generate_unchecked(spec, tmp_path / "b").video_path, 5)
    other = _frame(generate_unchecked(replace(spec, seed=12), tmp_path / "c").video_path, 5)
    assert np.array_equal(first, again)
    assert np.abs(first - other).mean() > 1.0


def test_cancel_between_steps_stops_and_leaves_nothing(
    checkpoints: dict[str, Path], tmp_path: Path
) -> None:
    seen: list[str] = []

    def cancel_once_denoising() -> bool:
        return seen.count("diffuse") >= 2

    with pytest.raises(GenerationCancelled):
        generate_unchecked(
            tiny_spec(checkpoints["wan"], steps=6),
            tmp_path,
            on_progress=lambda p: seen.append(p.stage),
            should_cancel=cancel_once_denoising,
        )
    assert "render" not in seen  # stopped inside the denoising loop
    assert list(tmp_path.iterdir()) == []


def test_the_prompt_is_encoded_once_per_clip_not_per_window(
    checkpoints: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = loader.load(DiffusionSettings(model_dir=str(checkpoints["wan"])))
    encodes: list[str] = []
    for pipeline in model.pipelines.values():
        original = pipeline.encode_prompt
        monkeypatch.setattr(
            pipeline,
            "encode_prompt",
            lambda *a, _o=original, **k: (encodes.append(k["prompt"]), _o(*a, **k))[1],
        )
    progress: list[str] = []
    generate_unchecked(
        tiny_spec(checkpoints["wan"]), tmp_path, on_progress=lambda p: progress.append(p.message)
    )
    assert "Window 2 of 2" in progress  # two windows ...
    # ... one text encoding (the pipeline's own calls get the embeddings, prompt=None)
    assert len([prompt for prompt in encodes if prompt is not None]) == 1


def test_image_to_video_starts_from_the_cameo_face(
    checkpoints: dict[str, Path], tmp_path: Path
) -> None:
    face = tmp_path / "face.png"
    Image.fromarray(np.full((40, 40, 3), (200, 150, 120), np.uint8)).save(face)
    cameo = CameoRef(id="c1", display_name="Ana", face_image=str(face))
    spec = replace(tiny_spec(checkpoints["ltx"], mode="image"), cameos=(cameo,))
    result = generate_unchecked(spec, tmp_path / "out")
    assert decode_clip(result.video_path).frame_count == 24
    with pytest.raises(GenerationError) as caught:
        generate_unchecked(tiny_spec(checkpoints["wan"], mode="image"), tmp_path / "wan")
    assert caught.value.code == "mode_unsupported"


def _text_arguments(model: loader.LoadedModel, steps: int) -> dict[str, Any]:
    pipeline = model.pipelines["text"]
    cond, uncond = pipeline.encode_prompt(
        prompt="a dog runs", negative_prompt="blurry", do_classifier_free_guidance=True,
        max_sequence_length=16, device=torch.device("cpu"),
    )  # fmt: skip
    return {
        "prompt_embeds": cond,
        "negative_prompt_embeds": uncond,
        "width": 32,
        "height": 64,
        "num_frames": 9,
        "num_inference_steps": steps,
        "guidance_scale": 5.0,
        "generator": torch.Generator("cpu").manual_seed(3),
        "output_type": "np",
    }


def test_guidance_pairing_batches_both_passes_with_the_same_result(
    checkpoints: dict[str, Path],
) -> None:
    model = loader.load(DiffusionSettings(model_dir=str(checkpoints["wan"])))
    assert model.pairing is not None
    pipeline = model.pipelines["text"]
    batched = clip.denoise(model, pipeline, _text_arguments(model, 3), "final", 3).frames[0]
    assert model.pairing.batched_calls == 3
    with torch.inference_mode():  # not armed: the stock one-pass-after-the-other path
        sequential = pipeline(**_text_arguments(model, 3)).frames[0]
    assert model.pairing.batched_calls == 3
    assert np.allclose(batched, sequential, atol=1e-5)


def test_draft_preset_skips_most_transformer_passes(checkpoints: dict[str, Path]) -> None:
    model = loader.load(DiffusionSettings(model_dir=str(checkpoints["wan"])))
    calls: list[int] = []
    hook = model.transformer.blocks[0].ffn.register_forward_hook(lambda *_: calls.append(1))
    try:
        pipeline = model.pipelines["text"]
        clip.denoise(model, pipeline, _text_arguments(model, 20), "final", 20)
        full = len(calls)
        calls.clear()
        draft = clip.denoise(model, pipeline, _text_arguments(model, 20), "draft", 20)
    finally:
        hook.remove()
    assert full == 20 and len(calls) <= full // 2
    assert np.isfinite(np.asarray(draft.frames[0])).all()
    assert not model.transformer.is_cache_enabled  # the cache is off again for final runs


def test_out_of_memory_is_retried_once_with_less_memory_then_reported(
    checkpoints: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = DiffusionSettings(model_dir=str(checkpoints["ltx"]))
    model = loader.load(settings)
    job = clip._Window(
        spec=tiny_spec(checkpoints["ltx"]), settings=settings, prompt="a cat", mode="text",
        size=(32, 64), frames=9, seed=1, init=None, encoded={},
    )  # fmt: skip
    attempts: list[str] = []

    def run_window(used: loader.LoadedModel, *_: Any) -> np.ndarray:
        attempts.append(used.memory)
        if len(attempts) == 1:
            raise torch.OutOfMemoryError("CUDA out of memory")
        return np.zeros((9, 64, 32, 3), np.uint8)

    lower = replace(model, memory="model_offload")
    monkeypatch.setattr(clip, "run_window", run_window)
    monkeypatch.setattr(loader, "load_lower", lambda _s, _m: lower)
    used, frames = clip._run_with_oom_retry(model, job, lambda _f: None, lambda: None)
    assert attempts == ["resident", "model_offload"] and used is lower and frames.shape[0] == 9

    def always_oom(*_: Any) -> np.ndarray:
        raise torch.OutOfMemoryError("CUDA out of memory")

    monkeypatch.setattr(clip, "run_window", always_oom)
    with pytest.raises(GenerationError) as caught:
        clip._run_with_oom_retry(model, job, lambda _f: None, lambda: None)
    assert caught.value.code == "gpu_out_of_memory" and "model_offload" in caught.value.message


def test_gpu_worker_check_names_what_is_missing(checkpoints: dict[str, Path]) -> None:
    with pytest.raises(GenerationError) as missing:
        loader.check_gpu_worker("")
    assert missing.value.code == "checkpoint_missing"
    with pytest.raises(GenerationError) as misspelt:
        loader.check_gpu_worker(str(checkpoints["wan"]), device="gpu0")
    assert misspelt.value.code == "invalid_device"
    assert "CPU" in loader.check_gpu_worker(str(checkpoints["wan"]), device="cpu")
    if torch.cuda.is_available():
        assert "Wan" in loader.check_gpu_worker(str(checkpoints["wan"]))
    else:
        with pytest.raises(GenerationError) as no_gpu:
            loader.check_gpu_worker(str(checkpoints["wan"]))
        assert no_gpu.value.code == "cuda_missing" and "CUDA" in no_gpu.value.message


def test_loaded_pipelines_stay_loaded_between_jobs(checkpoints: dict[str, Path]) -> None:
    settings = DiffusionSettings(model_dir=str(checkpoints["cogvideox"]))
    first = loader.load(settings)
    assert loader.load(replace(settings, quality="draft", strength=0.3)) is first
    assert all(not m.training for m in first.pipelines["text"].components.values()
               if isinstance(m, torch.nn.Module))  # fmt: skip
    index = json.loads((checkpoints["cogvideox"] / "model_index.json").read_text())
    assert index["_class_name"] == "CogVideoXPipeline"


def test_read_ahead_renders_large_batches_and_serves_small_slices() -> None:
    calls: list[tuple[int, int]] = []

    class Renderer:
        def poster_frame_index(self) -> int:
            return 3

        def render(self, start: int, stop: int) -> np.ndarray:
            calls.append((start, stop))
            return np.arange(start, stop, dtype=np.uint8).reshape(-1, 1, 1, 1)

    ahead = ReadAhead(Renderer(), frame_count=50, ahead=20)
    served = [ahead.render(s, min(s + 5, 50)) for s in range(0, 50, 5)]
    assert calls == [(0, 20), (20, 40), (40, 50)]
    assert np.concatenate(served).ravel().tolist() == list(range(50))
    assert ahead.poster_frame_index() == 3


@pytest.mark.parametrize("family", ["wan", "ltx"])
def test_self_attention_routing_changes_the_kernel_not_the_result(
    checkpoints: dict[str, Path], family: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from diffusers.models import attention_dispatch

    from gen_engine.diffusion.speed import fast_attention_available, route_self_attention

    model = loader.load(DiffusionSettings(model_dir=str(checkpoints[family])))
    assert not fast_attention_available(model.device)  # a CPU: FlashAttention-4 stays off
    pipeline = model.pipelines["text"]

    def arguments() -> dict[str, Any]:
        return {
            "prompt": "a dog runs", "negative_prompt": "blurry", "max_sequence_length": 16,
            "width": 32, "height": 64, "num_frames": 9, "num_inference_steps": 2,
            "guidance_scale": 5.0, "generator": torch.Generator("cpu").manual_seed(3),
            "output_type": "np",
        }  # fmt: skip

    default = clip.denoise(model, pipeline, arguments(), "final", 2).frames[0]
    transformer = model.transformer
    blocks = len(transformer.transformer_blocks if family == "ltx" else transformer.blocks)
    # The math kernel runs on a CPU and stands in for the flash one; count who is called.
    called: list[bool] = []
    registry = attention_dispatch._AttentionBackendRegistry._backends
    math_kernel = registry[attention_dispatch.AttentionBackendName._NATIVE_MATH]

    def counting(*args: Any, **kwargs: Any) -> Any:
        called.append(kwargs.get("attn_mask") is None)  # the flash kernels take no mask
        return math_kernel(*args, **kwargs)

    monkeypatch.setitem(registry, attention_dispatch.AttentionBackendName._NATIVE_MATH, counting)
    assert route_self_attention(model.transformer, "_native_math") == blocks
    passes: list[int] = []
    hook = transformer.register_forward_hook(lambda *_: passes.append(1))
    try:
        routed = clip.denoise(model, pipeline, arguments(), "final", 2).frames[0]
    finally:
        hook.remove()
    # Only self-attention moved: one maskless call per block and transformer pass.
    assert len(passes) >= 2 and called == [True] * (blocks * len(passes))
    assert np.allclose(routed, default, atol=1e-5)


def test_two_expert_wan_runs_both_experts_and_refuses_video_mode_plainly(
    tmp_path: Path,
) -> None:
    """Wan 2.2 A14B's layout: a high-noise and a low-noise transformer, switched mid-schedule."""
    from gen_engine.diffusion.speed import route_self_attention

    folder = build_tiny_checkpoint("wan22", tmp_path / "wan22")
    assert families.detect_family(folder).name == "wan"
    model = loader.load(DiffusionSettings(model_dir=str(folder)))
    assert "video" not in model.pipelines  # diffusers' video-to-video takes one expert only
    assert len(model.transformers) == 2
    # Speed-ups reach both experts.
    assert sum(route_self_attention(t, "native") for t in model.transformers) == 4

    calls = {"high": 0, "low": 0}
    hooks = [
        model.transformers[0].register_forward_hook(
            lambda *_: calls.update(high=calls["high"] + 1)
        ),
        model.transformers[1].register_forward_hook(lambda *_: calls.update(low=calls["low"] + 1)),
    ]
    try:
        result = generate_unchecked(tiny_spec(folder, steps=4), tmp_path / "out")  # mode auto
    finally:
        for hook in hooks:
            hook.remove()
    assert calls["high"] > 0 and calls["low"] > 0  # auto fell back to text-to-video, both ran
    assert decode_clip(result.video_path).frame_count == 24

    # Each expert batches its two guidance passes (one batch per step), same numbers as stock.
    assert model.pairing is not None
    before = model.pairing.batched_calls
    pipeline = model.pipelines["text"]
    batched = clip.denoise(model, pipeline, _text_arguments(model, 4), "final", 4).frames[0]
    assert model.pairing.batched_calls - before == 4
    with torch.inference_mode():  # not armed: the stock one-pass-after-the-other path
        sequential = pipeline(**_text_arguments(model, 4)).frames[0]
    assert np.allclose(batched, sequential, atol=1e-5)

    with pytest.raises(GenerationError) as caught:
        generate_unchecked(tiny_spec(folder, mode="video"), tmp_path / "refused")
    assert caught.value.code == "mode_unsupported" and "use mode text" in caught.value.message
