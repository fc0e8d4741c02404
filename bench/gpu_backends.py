"""Diffusion backends: time per denoising step, engine path against stock diffusers, same run.

    python bench/gpu_backends.py [--small] [--families wan,ltx,ltx2,ltx2-10s] [--steps 5]
                                 [--no-compile] [--placements] [--out results.json]

Full mode (needs CUDA) builds the published configurations with random weights (timing does not
depend on weight values): Wan 2.1 1.3B at 480x832 with 81 frames, LTX-Video 2B at 768x512
with 121 frames, and LTX-2 19B (picture and sound; the transformer's published configuration
below) at 512x768 (9:16's nearest published shape) for 5 s (121 frames) and 10 s (241), in
bf16. For each it measures, with classifier-free guidance on:
- stock: the diffusers pipeline as shipped, eager bf16;
- engine final: the engine's path (`gen_engine.diffusion.clip.denoise`): guidance pairing,
  then the same with regional torch.compile (compile time reported);
- engine draft: the draft preset's step cache, averaged over the family's full step schedule;
- agreement: the latents after the timed steps, engine against stock (relative L2 error), next
  to stock against itself rerun, which is the noise floor of bf16 kernels;
- VAE decode of the clip's latents (tiling off and on), for LTX-2 also the audio VAE and
  vocoder, and peak GPU memory of each variant;
- with --placements, peak memory and step time per memory placement (Wan: the offloads;
  LTX-2: resident, FP8 weights, model offload, group offload).
Prompt embeddings are random tensors of the text encoder's shape, so the T5/UMT5 encoder (not
timed here) need not be built. `--small` runs the same code on tiny configs on the CPU in well
under a minute so a test can keep it from rotting. Results go to stdout and, with --out, to JSON
after every measurement (a failure in one part is recorded and the rest still runs).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import platform
import statistics
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch

from gen_engine.diffusion import families, loader
from gen_engine.diffusion.clip import denoise
from gen_engine.diffusion.speed import (
    activate_flash_attention_4,
    draft_cache_config,
    fast_attention_available,
)

WAN_1_3B = {
    "patch_size": (1, 2, 2),
    "num_attention_heads": 12,
    "attention_head_dim": 128,
    "in_channels": 16,
    "out_channels": 16,
    "text_dim": 4096,
    "freq_dim": 256,
    "ffn_dim": 8960,
    "num_layers": 30,
    "cross_attn_norm": True,
    "qk_norm": "rms_norm_across_heads",
    "eps": 1e-6,
    "rope_max_seq_len": 1024,
}
LTX_2B = {
    "in_channels": 128,
    "out_channels": 128,
    "patch_size": 1,
    "patch_size_t": 1,
    "num_attention_heads": 32,
    "attention_head_dim": 64,
    "cross_attention_dim": 2048,
    "num_layers": 28,
    "caption_channels": 4096,
}
# LTX-2 19B (Lightricks' ltx-2-19b-dev as converted to diffusers 0.36: transformer/config.json).
LTX2_19B = {
    "in_channels": 128,
    "out_channels": 128,
    "patch_size": 1,
    "patch_size_t": 1,
    "num_attention_heads": 32,
    "attention_head_dim": 128,
    "cross_attention_dim": 4096,
    "audio_in_channels": 128,
    "audio_out_channels": 128,
    "audio_num_attention_heads": 32,
    "audio_attention_head_dim": 64,
    "audio_cross_attention_dim": 2048,
    "audio_sampling_rate": 16000,
    "audio_hop_length": 160,
    "audio_scale_factor": 4,
    "pos_embed_max_pos": 20,
    "audio_pos_embed_max_pos": 20,
    "base_height": 2048,
    "base_width": 2048,
    "num_layers": 48,
    "caption_channels": 3840,
    "qk_norm": "rms_norm_across_heads",
    "causal_offset": 1,
}
# Its text connectors turn Gemma 3 12B's 49 stacked hidden states (3840 wide) into the video and
# audio streams' context; the bench feeds them random states of that shape.
LTX2_CONNECTORS = {
    "caption_channels": 3840,
    "text_proj_in_factor": 49,
    "video_connector_num_attention_heads": 30,
    "video_connector_attention_head_dim": 128,
    "video_connector_num_layers": 2,
    "video_connector_num_learnable_registers": 128,
    "audio_connector_num_attention_heads": 30,
    "audio_connector_attention_head_dim": 128,
    "audio_connector_num_layers": 2,
    "audio_connector_num_learnable_registers": 128,
    "rope_type": "split",
}
FULL = {
    "wan": {"size": (480, 832), "frames": 81, "text_tokens": 512, "text_dim": 4096},
    "ltx": {"size": (768, 512), "frames": 121, "text_tokens": 128, "text_dim": 4096},
    "ltx2": {"size": (512, 768), "frames": 121, "text_tokens": 1024, "text_dim": 3840 * 49},
    "ltx2-10s": {"size": (512, 768), "frames": 241, "text_tokens": 1024, "text_dim": 3840 * 49},
}
SMALL = {
    "wan": {"size": (32, 64), "frames": 9, "text_tokens": 16, "text_dim": 32},
    "ltx": {"size": (32, 64), "frames": 9, "text_tokens": 16, "text_dim": 32},
    "ltx2": {"size": (32, 64), "frames": 9, "text_tokens": 16, "text_dim": 32 * 3},
    "ltx2-10s": {"size": (32, 64), "frames": 17, "text_tokens": 16, "text_dim": 32 * 3},
}
FAMILY_OF = {"wan": "wan", "ltx": "ltx", "ltx2": "ltx2", "ltx2-10s": "ltx2"}


def build_pipeline(family: str, small: bool, device: torch.device, dtype: torch.dtype) -> Any:
    """The family's text-to-video pipeline with random weights, built directly on `device`."""
    import diffusers

    family = FAMILY_OF[family]
    if small:
        from gen_engine.diffusion import tiny

        pipeline = {"wan": tiny._wan, "ltx": tiny._ltx, "ltx2": tiny._ltx2}[family]()
        pipeline.tokenizer = pipeline.text_encoder = None
        return pipeline.to(device=device, dtype=dtype)
    if family == "ltx2":
        return _ltx2_pipeline(device, dtype)
    with torch.device(device):
        if family == "wan":
            transformer = diffusers.WanTransformer3DModel(**WAN_1_3B)
            vae = diffusers.AutoencoderKLWan()
            scheduler = diffusers.UniPCMultistepScheduler(
                prediction_type="flow_prediction", use_flow_sigmas=True, flow_shift=3.0
            )
            cls = diffusers.WanPipeline
        else:
            transformer = diffusers.LTXVideoTransformer3DModel(**LTX_2B)
            vae = diffusers.AutoencoderKLLTXVideo()
            scheduler = diffusers.FlowMatchEulerDiscreteScheduler()
            cls = diffusers.LTXPipeline
    transformer = _cast_like_from_pretrained(transformer, dtype)
    vae = _cast_like_from_pretrained(vae, dtype)
    pipeline = cls(
        tokenizer=None, text_encoder=None, transformer=transformer, vae=vae, scheduler=scheduler
    )
    pipeline.set_progress_bar_config(disable=True)
    return pipeline


def _ltx2_pipeline(device: torch.device, dtype: torch.dtype) -> Any:
    import diffusers
    from diffusers.pipelines.ltx2 import LTX2TextConnectors
    from diffusers.pipelines.ltx2.vocoder import LTX2Vocoder

    with torch.device(device):
        parts = {
            "transformer": diffusers.LTX2VideoTransformer3DModel(**LTX2_19B),
            "connectors": LTX2TextConnectors(**LTX2_CONNECTORS),
            "vae": diffusers.AutoencoderKLLTX2Video(),
            "audio_vae": diffusers.AutoencoderKLLTX2Audio(),
            "vocoder": LTX2Vocoder(),
        }
    pipeline = diffusers.LTX2Pipeline(
        scheduler=diffusers.FlowMatchEulerDiscreteScheduler(),
        text_encoder=None,
        tokenizer=None,
        **{name: _cast_like_from_pretrained(part, dtype) for name, part in parts.items()},
    )
    pipeline.set_progress_bar_config(disable=True)
    return pipeline


def _cast_like_from_pretrained(module: Any, dtype: torch.dtype) -> Any:
    """bf16 except the parts the model class keeps in float32 (norms, rope, time embedding),
    as `from_pretrained(torch_dtype=...)` does, so stock and engine run what operators load."""
    module = module.to(dtype).eval().requires_grad_(False)
    keep = getattr(module, "_keep_in_fp32_modules", None) or []
    for name, child in module.named_modules():
        if keep and any(part in keep for part in name.split(".")):
            child.to(torch.float32)
    return module


def call_arguments(
    family: str,
    shape: dict[str, Any],
    device: torch.device,
    dtype: torch.dtype,
    steps: int,
    on_step: Callable[..., dict[str, Any]],
) -> dict[str, Any]:
    generator = torch.Generator("cpu").manual_seed(1234)
    tokens, dim = shape["text_tokens"], shape["text_dim"]
    cond = torch.randn(1, tokens, dim, generator=generator).to(device, dtype)
    uncond = torch.randn(1, tokens, dim, generator=generator).to(device, dtype)
    width, height = shape["size"]
    arguments: dict[str, Any] = {
        "prompt_embeds": cond,
        "negative_prompt_embeds": uncond,
        "width": width,
        "height": height,
        "num_frames": shape["frames"],
        "num_inference_steps": steps,
        "guidance_scale": 5.0 if family == "wan" else 3.0,
        "generator": torch.Generator("cpu").manual_seed(7),
        "output_type": "latent",
        "callback_on_step_end": on_step,
    }
    if family in ("ltx", "ltx2", "ltx2-10s"):
        mask = torch.ones(1, tokens, device=device, dtype=torch.long)
        arguments.update(prompt_attention_mask=mask, negative_prompt_attention_mask=mask)
    if family in ("ltx2", "ltx2-10s"):
        arguments["frame_rate"] = 24.0
        if tokens < 1024:  # the tiny transformer has no block 28 to perturb
            arguments.update(
                stg_scale=0.0, audio_stg_scale=0.0, spatio_temporal_guidance_blocks=None
            )
    return arguments


class StepClock:
    """Step times from the pipeline's callback, with the device synchronised at each step."""

    def __init__(self, device: torch.device) -> None:
        self.device = device
        self.marks: list[float] = []

    def __call__(self, _pipe: Any, _i: int, _t: Any, _tensors: dict[str, Any]) -> dict[str, Any]:
        self.sync()
        self.marks.append(time.perf_counter())
        return {}

    def sync(self) -> None:
        if self.device.type == "cuda":
            torch.cuda.synchronize(self.device)

    def start(self) -> None:
        self.marks = []
        self.sync()
        self.marks.append(time.perf_counter())

    def per_step(self) -> list[float]:
        return [b - a for a, b in zip(self.marks, self.marks[1:], strict=False)]


def timed_run(
    run: Callable[[dict[str, Any]], Any], arguments: dict[str, Any], clock: StepClock
) -> tuple[Any, list[float], float]:
    if clock.device.type == "cuda":
        torch.cuda.reset_peak_memory_stats(clock.device)
    clock.start()
    output = run(arguments)
    clock.sync()
    peak = (
        torch.cuda.max_memory_allocated(clock.device) / 2**30
        if clock.device.type == "cuda"
        else 0.0
    )
    return output, clock.per_step(), peak


def relative_error(a: torch.Tensor, b: torch.Tensor) -> float:
    a, b = a.float(), b.float()
    return float((a - b).norm() / b.norm().clamp_min(1e-12))


def latents_of(output: Any) -> torch.Tensor:
    frames = output.frames
    return frames if isinstance(frames, torch.Tensor) else torch.as_tensor(frames)


def bench_family(
    family_name: str, args: argparse.Namespace, report: dict[str, Any], save: Callable[[], None]
) -> None:
    device = torch.device("cpu" if args.small else "cuda")
    dtype = torch.float32 if args.small else torch.bfloat16
    shape = (SMALL if args.small else FULL)[family_name]
    family = {"wan": families.WAN, "ltx": families.LTX, "ltx2": families.LTX2}[
        FAMILY_OF[family_name]
    ]
    result: dict[str, Any] = {
        "shape": {k: list(v) if isinstance(v, tuple) else v for k, v in shape.items()}
    }
    report["families"][family_name] = result
    clock = StepClock(device)
    steps = args.steps

    def measure(name: str, run: Callable[[dict[str, Any]], Any], step_count: int) -> Any:
        arguments = call_arguments(family_name, shape, device, dtype, step_count, clock)
        output, per_step, peak = timed_run(run, arguments, clock)
        timed = per_step[1:] or per_step  # the first step carries warm-up work
        result[name] = {
            "median_step_s": round(statistics.median(timed), 4),
            "mean_step_s": round(sum(per_step) / len(per_step), 4),
            "steps": step_count,
            "peak_gpu_gib": round(peak, 2),
        }
        print(f"{family_name} {name}: {result[name]}", flush=True)
        save()
        return output

    build_started = time.perf_counter()
    pipeline = build_pipeline(family_name, args.small, device, dtype)
    result["build_s"] = round(time.perf_counter() - build_started, 1)

    def stock(arguments: dict[str, Any]) -> Any:
        with torch.inference_mode():
            return pipeline(**arguments)

    measure("warmup", stock, 2)
    reference = latents_of(measure("stock", stock, steps))
    rerun = latents_of(measure("stock_rerun", stock, steps))
    result["stock_vs_stock_rel_err"] = relative_error(rerun, reference)

    # The baseline engine runs PyTorch's own attention pick; FlashAttention-4 is its own variant.
    model = loader.assemble(
        family, pipeline, device, dtype, "resident", compile_blocks=False, fast_attention=False
    )

    def engine(quality: str, step_count: int) -> Callable[[dict[str, Any]], Any]:
        return lambda arguments: denoise(model, pipeline, arguments, quality, step_count)

    final = latents_of(measure("engine_final", engine("final", steps), steps))
    result["engine_final_vs_stock_rel_err"] = relative_error(final, reference)
    draft_steps = family.steps if not args.small else 10
    result["draft_cache"] = repr(draft_cache_config(draft_steps))
    measure("engine_draft", engine("draft", draft_steps), draft_steps)
    decode(pipeline, reference, result, device, save, family_name)
    if family.makes_audio:
        decode_audio(pipeline, measure, engine("final", 2), result, save)
    try:
        fp32_reference(
            pipeline,
            lambda dt: call_arguments(family_name, shape, device, dt, steps, clock),
            result,
            reference,
            dtype,
        )
    except Exception as error:  # the yardstick is optional; the timings stand without it
        result["fp32_reference_error"] = f"{type(error).__name__}: {error}"
    save()
    variants: list[tuple[str | None, str, bool]] = [(None, "", False)]
    if args.autotune:
        variants.append(("max-autotune-no-cudagraphs", "_autotune", False))
    if not args.small and fast_attention_available(device):
        variants.append((None, "_fa4", True))  # last: FA4 is switched on process-wide
    else:
        result["fa4"] = "not available (needs flash-attn-4 and compute capability 9.x/10.x)"
    for mode, suffix, fa4 in variants if args.compile and device.type == "cuda" else []:
        try:
            compile_and_measure(model, pipeline, result, measure, engine, steps, draft_steps,
                                reference, mode, suffix, fa4, args.draft)  # fmt: skip
        except Exception as error:  # keep what was measured before compiling
            result[f"compile_error{suffix}"] = f"{type(error).__name__}: {error}"
            print(traceback.format_exc(), file=sys.stderr, flush=True)
        save()
    finals = ("engine_final", "engine_final_compiled", "engine_final_compiled_autotune")
    for name in (*finals, "engine_final_compiled_fa4"):
        if name in result:
            result[f"{name}_speedup"] = round(
                result["stock"]["median_step_s"] / result[name]["median_step_s"], 3
            )
    for name in ("engine_draft", "engine_draft_compiled", "engine_draft_compiled_autotune"):
        if name in result:  # a stock step costs the same at every step of the schedule
            result[f"{name}_speedup"] = round(
                result["stock"]["median_step_s"] / result[name]["mean_step_s"], 3
            )
    save()


def compile_and_measure(
    model: Any,
    pipeline: Any,
    result: dict[str, Any],
    measure: Any,
    engine: Any,
    steps: int,
    draft_steps: int,
    reference: torch.Tensor,
    mode: str | None,
    suffix: str,
    fast_attention: bool = False,
    draft: bool = True,
) -> None:
    from gen_engine.diffusion.speed import prepare_for_speed

    started = time.perf_counter()
    transformer = pipeline.transformer
    transformer.forward = type(transformer).forward.__get__(transformer)  # drop the old pairing
    for block in _blocks_of(transformer):
        block._compiled_call_impl = None  # back to eager before compiling again
    torch._dynamo.reset()
    model.pairing, model.compiled = prepare_for_speed(
        model, True, compile_mode=mode, fast_attention=fast_attention
    )
    measure(f"compile_warmup{suffix}", engine("final", 2), 2)
    result[f"compile_s{suffix}"] = round(time.perf_counter() - started, 1)
    name = f"engine_final_compiled{suffix}"
    compiled = latents_of(measure(name, engine("final", steps), steps))
    result[f"{name}_vs_stock_rel_err"] = relative_error(compiled, reference)
    if not draft:
        return
    try:
        measure(f"engine_draft_compiled{suffix}", engine("draft", draft_steps), draft_steps)
    except Exception as error:  # the step cache's hooks under dynamo: record, do not stop
        result[f"draft_compiled_error{suffix}"] = f"{type(error).__name__}: {error}"


def _blocks_of(transformer: Any) -> list[Any]:
    return list(getattr(transformer, "blocks", None) or transformer.transformer_blocks)


def fp32_reference(
    pipeline: Any,
    arguments_for: Any,
    result: dict[str, Any],
    reference: torch.Tensor,
    dtype: torch.dtype,
) -> None:
    """bf16 stock against the same pipeline in float32: the size of bf16's own error, which is
    the yardstick for "equal within bf16 tolerance"."""
    pipeline.transformer.to(torch.float32)
    arguments = arguments_for(torch.float32)
    with torch.inference_mode():
        exact = latents_of(pipeline(**arguments))
    result["stock_bf16_vs_fp32_rel_err"] = relative_error(reference, exact)
    pipeline.transformer.to(dtype)
    keep = getattr(pipeline.transformer, "_keep_in_fp32_modules", None) or []
    for name, child in pipeline.transformer.named_modules():
        if keep and any(part in keep for part in name.split(".")):
            child.to(torch.float32)


def decode(
    pipeline: Any,
    latents: torch.Tensor,
    result: dict[str, Any],
    device: torch.device,
    save: Callable[[], None],
    family_name: str,
) -> None:
    vae = pipeline.vae
    for tiling in (False, True):
        if tiling:
            vae.enable_tiling()
        else:
            vae.disable_tiling()
        if device.type == "cuda":
            torch.cuda.reset_peak_memory_stats(device)
            torch.cuda.synchronize(device)
        started = time.perf_counter()
        with torch.inference_mode():
            if family_name == "ltx":  # LTX-2 hands back unpacked latents, as Wan does
                unpacked = pipeline._unpack_latents(
                    latents,
                    *_ltx_latent_grid(pipeline, result["shape"]),
                    pipeline.transformer_spatial_patch_size,
                    pipeline.transformer_temporal_patch_size,
                )
                vae.decode(unpacked.to(vae.dtype), return_dict=False)
            else:
                vae.decode(latents.to(vae.dtype), return_dict=False)
        if device.type == "cuda":
            torch.cuda.synchronize(device)
        peak = torch.cuda.max_memory_allocated(device) / 2**30 if device.type == "cuda" else 0.0
        key = "vae_decode_tiled" if tiling else "vae_decode"
        result[key] = {
            "seconds": round(time.perf_counter() - started, 3),
            "peak_gpu_gib": round(peak, 2),
        }
        print(f"{family_name} {key}: {result[key]}", flush=True)
        save()
    vae.disable_tiling()


def decode_audio(
    pipeline: Any,
    measure: Callable[..., Any],
    run: Callable[[dict[str, Any]], Any],
    result: dict[str, Any],
    save: Callable[[], None],
) -> None:
    """The audio VAE and the vocoder on the clip's audio latents (from a 2-step run)."""
    output = measure("audio_latents_run", run, 2)
    latents = output.audio
    device = latents.device
    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats(device)
        torch.cuda.synchronize(device)
    started = time.perf_counter()
    with torch.inference_mode():
        mel = pipeline.audio_vae.decode(latents.to(pipeline.audio_vae.dtype), return_dict=False)[0]
        samples = pipeline.vocoder(mel.to(pipeline.vocoder.dtype))
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    peak = torch.cuda.max_memory_allocated(device) / 2**30 if device.type == "cuda" else 0.0
    result["audio_decode"] = {
        "seconds": round(time.perf_counter() - started, 3),
        "samples": int(samples.shape[-1]),
        "peak_gpu_gib": round(peak, 2),
    }
    print(f"audio_decode: {result['audio_decode']}", flush=True)
    save()


def _ltx_latent_grid(pipeline: Any, shape: dict[str, Any]) -> tuple[int, int, int]:
    width, height = shape["size"]
    frames = (shape["frames"] - 1) // pipeline.vae_temporal_compression_ratio + 1
    ratio = pipeline.vae_spatial_compression_ratio
    return frames, height // ratio, width // ratio


# (batch: both guidance passes, heads, tokens, head dim) of each family's self-attention
ATTENTION_SHAPES = {"wan": (2, 12, 32760, 128), "ltx": (2, 32, 6144, 64)}


def _restore_builtin_flash() -> None:
    """Undo a FlashAttention-4 switch made by an earlier variant (PyTorch's own flash again)."""
    from torch.nn import attention

    if attention.current_flash_attention_impl() is not None:
        attention._registry.restore_flash_attention_impl()


def attention_kernels(report: dict[str, Any], save: Callable[[], None], repeats: int = 10) -> None:
    """Time one self-attention call per kernel at the published shapes (bf16, CUDA events).

    Run last: switching the flash backend to FlashAttention-4 is process-wide.
    """
    from torch.nn.attention import SDPBackend, sdpa_kernel

    results: dict[str, Any] = {}
    report["attention"] = results
    kernels: list[tuple[str, list[SDPBackend] | None]] = [
        ("sdpa_default", None),
        ("cudnn", [SDPBackend.CUDNN_ATTENTION]),
        ("flash_builtin", [SDPBackend.FLASH_ATTENTION]),
    ]
    fa4 = fast_attention_available(torch.device("cuda"))
    if fa4:
        kernels.append(("flash_attention_4", [SDPBackend.FLASH_ATTENTION]))
    for family, (batch, heads, tokens, dim) in ATTENTION_SHAPES.items():
        generator = torch.Generator("cuda").manual_seed(0)
        q, k, v = (
            torch.randn(shape, device="cuda", dtype=torch.bfloat16, generator=generator)
            for shape in [(batch, heads, tokens, dim)] * 3
        )
        flops = 4 * batch * heads * tokens * tokens * dim
        entry: dict[str, Any] = {"shape": [batch, heads, tokens, dim]}
        results[family] = entry
        reference: torch.Tensor | None = None
        try:  # FlashAttention-4 called directly, whatever PyTorch's registry offers
            from flash_attn.cute.interface import flash_attn_func

            q4, k4, v4 = (t.transpose(1, 2) for t in (q, k, v))
            flash_attn_func(q4, k4, v4)  # warm-up (the first call compiles the kernel)
            torch.cuda.synchronize()
            started = time.perf_counter()
            for _ in range(repeats):
                direct = flash_attn_func(q4, k4, v4)
            torch.cuda.synchronize()
            seconds = (time.perf_counter() - started) / repeats
            direct_out = direct[0] if isinstance(direct, tuple) else direct
            entry["flash_attention_4_direct"] = {
                "ms": round(seconds * 1000, 3),
                "tflops": round(flops / seconds / 1e12, 1),
                "output": direct_out.transpose(1, 2).float(),
            }
        except Exception as error:
            entry["flash_attention_4_direct"] = f"{type(error).__name__}: {error}"
        for name, backends in kernels:
            if name == "flash_attention_4":
                activate_flash_attention_4()
            elif name == "flash_builtin":
                _restore_builtin_flash()
            context = sdpa_kernel(backends) if backends else contextlib.nullcontext()
            try:
                with context, torch.inference_mode():
                    out = torch.nn.functional.scaled_dot_product_attention(q, k, v)  # warm-up
                    torch.cuda.synchronize()
                    start, end = (
                        torch.cuda.Event(enable_timing=True),
                        torch.cuda.Event(enable_timing=True),
                    )
                    start.record()
                    for _ in range(repeats):
                        out = torch.nn.functional.scaled_dot_product_attention(q, k, v)
                    end.record()
                    torch.cuda.synchronize()
                seconds = start.elapsed_time(end) / 1000 / repeats
                reference = out.float() if reference is None else reference
                entry[name] = {
                    "ms": round(seconds * 1000, 3),
                    "tflops": round(flops / seconds / 1e12, 1),
                    "rel_err_vs_default": relative_error(out.float(), reference),
                }
            except Exception as error:  # a kernel that refuses this shape: record it
                entry[name] = f"{type(error).__name__}: {error}"
            print(f"attention {family} {name}: {entry[name]}", flush=True)
            save()
        direct_entry = entry["flash_attention_4_direct"]
        if isinstance(direct_entry, dict) and reference is not None:
            direct_entry["rel_err_vs_default"] = relative_error(
                direct_entry.pop("output"), reference
            )
        print(f"attention {family} flash_attention_4_direct: {direct_entry}", flush=True)
        save()


PLACEMENTS = {
    "wan": ("model_offload", "group_offload"),
    "ltx2": ("resident", "fp8", "model_offload", "group_offload"),
}


def placements(report: dict[str, Any], save: Callable[[], None], steps: int = 3) -> None:
    """Wan and LTX-2 at their published sizes under each placement the loader can choose:
    built on the CPU, placed by the engine's own `assemble`, run through the engine's path."""
    device, dtype = torch.device("cuda"), torch.bfloat16
    results: dict[str, Any] = {}
    report["placements"] = results
    clock = StepClock(device)
    cases = [(name, strategy) for name, chosen in PLACEMENTS.items() for strategy in chosen]
    for name, strategy in cases:
        pipeline: Any = None
        model: Any = None
        key = f"{name} {strategy}"
        try:
            pipeline = build_pipeline(name, False, torch.device("cpu"), dtype)
            torch.cuda.empty_cache()
            family = families.WAN if name == "wan" else families.LTX2
            model = loader.assemble(family, pipeline, device, dtype, strategy,
                                    compile_blocks=False, fast_attention=False)  # fmt: skip
            arguments = call_arguments(name, FULL[name], device, dtype, steps, clock)
            _, per_step, peak = timed_run(
                functools.partial(_denoise_final, model, pipeline, steps), arguments, clock
            )
            results[key] = {
                "median_step_s": round(statistics.median(per_step[1:] or per_step), 4),
                "first_step_s": round(per_step[0], 4),
                "peak_gpu_gib": round(peak, 2),
            }
        except Exception as error:
            results[key] = f"{type(error).__name__}: {error}"
        print(f"placement {key}: {results[key]}", flush=True)
        save()
        pipeline = model = None  # free the GPU before the next placement
        torch.cuda.empty_cache()


def _denoise_final(model: Any, pipeline: Any, steps: int, arguments: dict[str, Any]) -> Any:
    return denoise(model, pipeline, arguments, "final", steps)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--small", action="store_true", help="tiny configs on the CPU")
    parser.add_argument("--families", default="wan,ltx,ltx2,ltx2-10s")
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--no-compile", dest="compile", action="store_false")
    parser.add_argument("--autotune", action="store_true", help="also max-autotune compile")
    parser.add_argument(
        "--no-draft-compiled",
        dest="draft",
        action="store_false",
        help="skip the draft preset after each compile (it runs its blocks eagerly anyway)",
    )
    parser.add_argument(
        "--placements",
        action="store_true",
        help="also run Wan and LTX-2 under each memory placement (LTX-2: resident, fp8, offloads)",
    )
    parser.add_argument(
        "--attention",
        action="store_true",
        help="also time the self-attention kernels alone at each family's shape",
    )
    parser.add_argument("--out", default="")
    args = parser.parse_args(argv)
    if not args.small and not torch.cuda.is_available():
        parser.error("full mode needs a CUDA GPU; use --small on a CPU")
    import diffusers

    report: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "host": platform.node(),
        "device": torch.cuda.get_device_name(0) if not args.small else "cpu",
        "torch": torch.__version__,
        "diffusers": diffusers.__version__,
        "small": args.small,
        "families": {},
        "errors": {},
    }

    def save() -> None:
        if args.out:
            Path(args.out).write_text(json.dumps(report, indent=2, default=str))

    for name in filter(None, args.families.split(",")):
        try:
            bench_family(name.strip(), args, report, save)
        except Exception as error:  # record and go on: one family's failure keeps the others
            report["errors"][name] = f"{type(error).__name__}: {error}\n{traceback.format_exc()}"
            print(report["errors"][name], file=sys.stderr, flush=True)
        finally:
            if torch.cuda.is_available():
                torch.cuda.empty_cache()
        save()
    if args.placements and not args.small:
        placements(report, save)
    if args.attention and not args.small:
        try:
            attention_kernels(report, save)
        except Exception as error:
            report["errors"]["attention"] = f"{type(error).__name__}: {error}"
        save()
    print(json.dumps({k: v for k, v in report.items() if k != "families"}, default=str))
    return report


if __name__ == "__main__":
    main()
