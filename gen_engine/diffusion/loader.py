"""Load a checkpoint once per process and keep it: text, video and image pipelines share parts.

A worker process serves many jobs; loading a multi-GB checkpoint per job would dominate, so
`load()` caches by (folder, device, dtype, memory strategy). The memory strategy is picked from
the GPU's free memory ("auto"), and `load_lower()` steps down one strategy after an
out-of-memory error: resident -> FP8 weights -> model CPU offload -> group offload.

"fp8" keeps every part on the GPU but stores the transformer's and the text encoder's linear
weights in float8 (torchao's weight-only config: each matmul dequantizes its weight), halving
the two parts that hold nearly all the bytes. It is the placement for cards of 24-48 GB that
hold a 13-22B model in FP8 but not in bf16; it costs a little precision, offloading costs time.
"""

from __future__ import annotations

import contextlib
import gc
import importlib.util
import inspect
import logging
import math
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from gen_engine.diffusion.families import Family, detect_family
from gen_engine.diffusion.speed import GuidancePairing, prepare_for_speed
from gen_engine.types import DiffusionSettings, GenerationError

logger = logging.getLogger(__name__)

STRATEGIES = ("resident", "fp8", "model_offload", "group_offload")
QUANTIZED_PARTS = ("transformer", "transformer_2", "text_encoder")  # what "fp8" stores in float8
# Activations, the VAE decode and the allocator's slack on top of the weights (measured: Wan
# 1.3B at 480x832x81 peaks ~10 GiB above its weights with tiling off).
ACTIVATION_RESERVE = 12 * 2**30


@dataclass(frozen=True)
class Geometry:
    """Shape rules read from the loaded components."""

    spatial_multiple: int  # width and height must be multiples of this
    temporal_factor: int  # frame counts must be temporal_factor * k + 1
    fixed_size: tuple[int, int] | None = None  # (width, height) for models with learned positions


@dataclass
class LoadedModel:
    family: Family
    model_dir: str
    device: torch.device
    dtype: torch.dtype
    memory: str
    geometry: Geometry
    pipelines: dict[str, Any] = field(default_factory=dict)  # text, video, image, reference
    pairing: GuidancePairing | None = None
    compiled: bool = False
    # A step-distilled checkpoint (LTX-2.x "Distilled" folders): its own few-step schedule and
    # no guidance, as it was trained; the base schedule would waste 30 steps and over-saturate.
    distilled: bool = False
    ic_lora: str = ""  # the IC-LoRA loaded into the transformer (adapter "ic"), if any

    @property
    def transformer(self) -> Any:
        return self.pipelines["text"].transformer

    @property
    def transformers(self) -> list[Any]:
        """Every denoiser: Wan 2.2 A14B has a second, low-noise expert (`transformer_2`)."""
        text = self.pipelines["text"]
        return [t for t in (text.transformer, getattr(text, "transformer_2", None)) if t]


_CACHE: dict[tuple[str, str, str, str, bool], LoadedModel] = {}
_LOCK = threading.Lock()


def resolve_device(setting: str) -> torch.device:
    if setting == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        device = torch.device(setting)
    except RuntimeError as error:
        raise GenerationError("invalid_device", f"Unknown device {setting!r}.") from error
    if device.type == "cuda" and not torch.cuda.is_available():
        raise GenerationError("cuda_missing", "CUDA was asked for but no GPU is visible.")
    return device


def check_gpu_worker(model_dir: str, device: str = "auto") -> str:
    """What a GPU worker checks before it starts: CUDA present and a supported checkpoint.
    Returns a one-line description; raises GenerationError with the reason otherwise.
    `device="cpu"` (tiny test checkpoints only) waives the GPU."""
    if not model_dir:
        raise GenerationError(
            "checkpoint_missing", "GEN_ENGINE_MODEL_DIR is not set; point it at a checkpoint."
        )
    family = detect_family(model_dir)
    if device == "cpu":
        return f"{family.label} from {model_dir} on the CPU"
    if device != "auto":
        resolve_device(device)  # a misspelt GEN_ENGINE_DEVICE fails here, not in every job
    if not torch.cuda.is_available():
        raise GenerationError(
            "cuda_missing",
            "The diffusers backend needs a CUDA GPU and none is visible to this process "
            "(check the driver, CUDA_VISIBLE_DEVICES and that torch is a CUDA build).",
        )
    return f"{family.label} from {model_dir} on {torch.cuda.get_device_name(0)}"


def load(settings: DiffusionSettings, memory: str | None = None) -> LoadedModel:
    device = resolve_device(settings.device)
    dtype = torch.bfloat16 if device.type == "cuda" else torch.float32
    folder = str(Path(settings.model_dir).resolve())
    family = detect_family(folder)
    wanted = memory or settings.memory
    with _LOCK:
        for key, model in _CACHE.items():  # "auto" matches whatever auto chose before
            same = key[:3] == (folder, str(device), str(dtype)) and key[4] == settings.compile
            if same and wanted in ("auto", model.memory):
                return model
        _release_all()
        model = _load(family, folder, device, dtype, wanted, settings.compile)
        _CACHE[(folder, str(device), str(dtype), model.memory, settings.compile)] = model
        return model


def load_lower(settings: DiffusionSettings, current: LoadedModel) -> LoadedModel | None:
    """Reload with the next lower-memory strategy after an out-of-memory error, or None."""
    index = STRATEGIES.index(current.memory) if current.memory in STRATEGIES else len(STRATEGIES)
    if current.device.type != "cuda" or index + 1 >= len(STRATEGIES):
        return None
    with _LOCK:
        _release_all()
    return load(settings, memory=STRATEGIES[index + 1])


def unload_all() -> None:
    with _LOCK:
        _release_all()


def _release_all() -> None:
    _CACHE.clear()
    gc.collect()
    if torch.cuda.is_available():
        torch.cuda.empty_cache()


def _load(
    family: Family,
    folder: str,
    device: torch.device,
    dtype: torch.dtype,
    memory: str,
    compile_blocks: bool,
) -> LoadedModel:
    import diffusers

    text_class = getattr(diffusers, family.text_pipeline)
    try:
        text = text_class.from_pretrained(folder, dtype=dtype)
    except (OSError, ValueError, KeyError, TypeError, RuntimeError) as error:
        raise GenerationError(
            "checkpoint_invalid", f"The checkpoint in {folder} could not be loaded: {error}"
        ) from error
    return assemble(family, text, device, dtype, memory, compile_blocks, folder)


def assemble(
    family: Family,
    text: Any,
    device: torch.device,
    dtype: torch.dtype,
    memory: str,
    compile_blocks: bool,
    folder: str = "",
    fast_attention: bool = True,
) -> LoadedModel:
    """Turn a text-to-video pipeline into the engine's loaded model: sibling pipelines over the
    same parts, eval mode, memory placement, speed-ups. The benchmark builds models at the
    published sizes in memory and comes through here too, so it measures the engine's path."""
    import diffusers

    pipelines = {"text": text}
    roles = (
        ("video", family.video_pipeline),
        ("image", family.image_pipeline),
        ("reference", family.reference_pipeline),
    )
    for role, class_name in roles:
        sibling = _sibling(diffusers, class_name, text) if class_name else None
        if sibling is not None:
            pipelines[role] = sibling
    for component in text.components.values():
        if isinstance(component, torch.nn.Module):
            component.eval()  # configs built by hand start in training mode (dropout on)
            component.requires_grad_(False)
    strategy = _pick_strategy(text, device) if memory == "auto" else memory
    _place(text, strategy, device)
    model = LoadedModel(
        family=family,
        model_dir=folder,
        device=device,
        dtype=dtype,
        memory=strategy,
        geometry=_geometry(family, text),
        distilled=is_distilled(family, folder),
        pipelines=pipelines,
    )
    model.pairing, model.compiled = prepare_for_speed(
        model, compile_blocks, fast_attention=fast_attention
    )
    for pipeline in pipelines.values():
        pipeline.set_progress_bar_config(disable=True)
    logger.info(
        "gen_engine.diffusion.loaded",
        extra={"family": family.name, "device": str(device), "memory": strategy},
    )
    return model


def is_distilled(family: Family, folder: str) -> bool:
    """LTX-2's distilled checkpoints are published as folders named "...-Distilled-..." (the
    diffusers conversions of LTX-2 and 2.3); nothing in their configs tells them apart."""
    return family.distilled_steps > 0 and "distill" in Path(folder).name.lower()


def _sibling(diffusers: Any, class_name: str, text: Any) -> Any | None:
    """Another pipeline class over the same component objects (no second copy in memory).

    None when that class cannot take every model of `text`: Wan 2.2 A14B's low-noise expert
    (`transformer_2`) has no place in diffusers 0.42's video-to-video pipeline, and running
    without it would be another model than the operator chose.
    """
    cls = getattr(diffusers, class_name)
    accepted = set(inspect.signature(cls.__init__).parameters)
    parts = text.components.items()
    if any(isinstance(part, torch.nn.Module) and name not in accepted for name, part in parts):
        return None
    return cls(**{name: part for name, part in parts if name in accepted})


def _module_bytes(module: Any) -> int:
    if not isinstance(module, torch.nn.Module):
        return 0
    return sum(p.numel() * p.element_size() for p in module.parameters())


def _pick_strategy(pipeline: Any, device: torch.device) -> str:
    if device.type != "cuda":
        return "resident"
    free, _total = torch.cuda.mem_get_info(device)
    sizes = {name: _module_bytes(part) for name, part in pipeline.components.items()}
    return choose_strategy(free, sizes)


def choose_strategy(free: int, sizes: dict[str, int]) -> str:
    """The fastest placement whose weights and activations fit in `free` bytes. FP8 halves
    the bf16 bytes of QUANTIZED_PARTS; offloading needs room for the largest part only."""
    total = sum(sizes.values())
    if free > total + ACTIVATION_RESERVE:
        return "resident"
    halved = sum(size // 2 for name, size in sizes.items() if name in QUANTIZED_PARTS)
    if free > total - halved + ACTIVATION_RESERVE and fp8_available():
        return "fp8"
    if free > max(sizes.values(), default=0) + ACTIVATION_RESERVE:
        return "model_offload"
    return "group_offload"


def _place(pipeline: Any, strategy: str, device: torch.device) -> None:
    if strategy == "fp8":
        quantize_fp8(pipeline)
    if device.type != "cuda" or strategy in ("resident", "fp8"):
        pipeline.to(device)
        return
    if strategy == "model_offload":
        pipeline.enable_model_cpu_offload(device=device)
    else:
        pipeline.enable_group_offload(
            onload_device=device,
            offload_device=torch.device("cpu"),
            offload_type="block_level",
            num_blocks_per_group=1,
            use_stream=True,
        )
    with contextlib.suppress(AttributeError):
        pipeline.vae.enable_tiling()  # the decode is the other peak when memory is short


def fp8_available() -> bool:
    """torchao is installed (requirements-gpu.txt): the fp8 placement can be chosen."""
    return importlib.util.find_spec("torchao") is not None


def quantize_fp8(pipeline: Any) -> None:
    """Store the linear weights of QUANTIZED_PARTS in float8 (e4m3, one scale per row)."""
    try:
        from torchao.quantization import Float8WeightOnlyConfig, quantize_
    except ImportError as error:
        raise GenerationError(
            "memory_unsupported",
            "GEN_ENGINE_MEMORY=fp8 needs torchao: pip install -r requirements-gpu.txt.",
        ) from error
    for name in QUANTIZED_PARTS:
        part = getattr(pipeline, name, None)
        if isinstance(part, torch.nn.Module):
            quantize_(part, Float8WeightOnlyConfig())


def _geometry(family: Family, pipeline: Any) -> Geometry:
    config = pipeline.transformer.config
    if family.name in ("ltx", "ltx2"):
        spatial = int(pipeline.vae_spatial_compression_ratio) * int(config.patch_size)
        temporal = int(pipeline.vae_temporal_compression_ratio)
        if family.name == "ltx2":  # its pipelines refuse sides that are not multiples of 32
            spatial = math.lcm(spatial, 32)
        return Geometry(spatial, temporal)
    patch = config.patch_size
    patch_xy = int(patch[1]) if isinstance(patch, (list, tuple)) else int(patch)
    vae_spatial = int(pipeline.vae_scale_factor_spatial)
    temporal = int(pipeline.vae_scale_factor_temporal)
    fixed = None
    if family.name == "cogvideox" and getattr(config, "use_learned_positional_embeddings", False):
        fixed = (int(config.sample_width) * vae_spatial, int(config.sample_height) * vae_spatial)
    return Geometry(vae_spatial * patch_xy, temporal, fixed)
