"""What makes the engine's diffusion path faster than stock diffusers, with the same numbers.

- Classifier-free guidance in one batch: Wan's pipeline runs the conditional and the
  unconditional pass one after the other; `GuidancePairing` runs them as one batch of two on the
  first call and answers the second call from that result. LTX and CogVideoX already batch.
- Regional `torch.compile` of the transformer blocks (they share one shape, so one compiled
  graph serves all), far quicker to compile than the whole model, and fused QKV projections.
- FlashAttention-4 for self-attention on Hopper and Blackwell cards when the optional
  `flash-attn-4` package is installed (requirements-gpu.txt): PyTorch's SDPA flash backend is
  pointed at its kernels and the transformer's self-attention is routed to that backend. At
  Wan's 32 760 tokens self-attention is most of a step, and PyTorch's own pick (cuDNN) is the
  slower kernel there (docs/PERFORMANCE.md). Exact attention: the output changes only by bf16
  rounding order. Cross-attention (short text, sometimes masked) keeps the default path.
- The "draft" preset: a TaylorSeer step cache (diffusers.hooks): after a few full steps, most
  steps extrapolate the transformer's output from recent full ones instead of running it. The
  schedule is fixed, so its saving does not depend on the weights.
"""

from __future__ import annotations

import contextlib
import functools
import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import torch

if TYPE_CHECKING:
    from gen_engine.diffusion.loader import LoadedModel

logger = logging.getLogger(__name__)


class GuidancePairing:
    """Batches a pipeline's back-to-back conditional and unconditional transformer calls.

    `expect(cond, uncond)` names the two prompt-embedding tensors the pipeline will pass. When
    a wrapped transformer is called with one of them, both passes run as a batch of two over the
    same latents and timestep; the partner's half is kept and returned when the partner's call
    comes to the same transformer with the very same latents object. Any call that does not
    match falls through unchanged. Several transformers may be wrapped (Wan 2.2's two experts:
    each step calls one of them twice).
    """

    def __init__(self, *transformers: Any) -> None:
        self._partners: dict[int, torch.Tensor] = {}
        self._held: tuple[int, int, int, torch.Tensor] | None = None
        self.batched_calls = 0
        for transformer in transformers:
            original = transformer.forward
            transformer.forward = functools.partial(self.forward, transformer, original)

    def expect(self, cond: torch.Tensor, uncond: torch.Tensor | None) -> None:
        self._held = None
        if uncond is None:  # guidance off: one pass, still inside a cache context
            self._partners = {id(cond): cond}
        else:
            self._partners = {id(cond): uncond, id(uncond): cond}

    def clear(self) -> None:
        self._held = None
        self._partners = {}

    @staticmethod
    def _run(transformer: Any, original: Any, **kwargs: Any) -> Any:
        # Wan's video-to-video pipeline names no cache context; the step caches need one.
        with transformer.cache_context("cond_uncond"):
            return original(**kwargs)

    def forward(self, transformer: Any, original: Any, *args: Any, **kwargs: Any) -> Any:
        states = kwargs.get("hidden_states")
        context = kwargs.get("encoder_hidden_states")
        if args or states is None or context is None or id(context) not in self._partners:
            return original(*args, **kwargs)
        held = self._held
        if held is not None and held[:3] == (id(transformer), id(context), id(states)):
            self._held = None
            return self._wrap(held[3], kwargs)
        partner = self._partners[id(context)]
        if partner is context or partner.shape != context.shape:  # one pass, as asked
            return self._run(transformer, original, **kwargs)
        timestep = kwargs["timestep"]
        batched = dict(kwargs)
        batched.update(
            hidden_states=torch.cat([states, states]),
            timestep=torch.cat([timestep, timestep]),
            encoder_hidden_states=torch.cat([context, partner]),
            return_dict=False,
        )
        output = self._run(transformer, original, **batched)[0]
        mine, theirs = output.chunk(2)
        self._held = (id(transformer), id(partner), id(states), theirs)
        self.batched_calls += 1
        return self._wrap(mine, kwargs)

    @staticmethod
    def _wrap(sample: torch.Tensor, kwargs: dict[str, Any]) -> Any:
        if kwargs.get("return_dict", True):
            from diffusers.models.modeling_outputs import Transformer2DModelOutput

            return Transformer2DModelOutput(sample=sample)
        return (sample,)


FAST_ATTENTION_CAPABILITIES = (9, 10)  # compute capability majors FA4 has kernels for


def fast_attention_available(device: torch.device) -> bool:
    """True on a Hopper/Blackwell CUDA device with `flash-attn-4` installed and a PyTorch that
    can register it as SDPA's flash backend."""
    if device.type != "cuda" or not torch.cuda.is_available():
        return False
    if torch.cuda.get_device_capability(device)[0] not in FAST_ATTENTION_CAPABILITIES:
        return False
    try:
        import flash_attn.cute.interface  # noqa: F401  (optional GPU dependency)
        from torch.nn.attention import list_flash_attention_impls
    except ImportError:
        return False
    return "FA4" in list_flash_attention_impls()


def route_self_attention(transformer: Any, backend: str) -> int:
    """Point the self-attention (`attn1`) processors at a diffusers attention backend.

    Returns how many were routed. Processors that do not go through diffusers' dispatcher
    (no `_attention_backend`) are left alone.
    """
    from diffusers.models.attention_dispatch import AttentionBackendName

    chosen = AttentionBackendName(backend)
    routed = 0
    for name, module in transformer.named_modules():
        processor = getattr(module, "processor", None)
        if name.rsplit(".", 1)[-1] == "attn1" and hasattr(processor, "_attention_backend"):
            processor._attention_backend = chosen  # type: ignore[union-attr]
            routed += 1
    return routed


def use_fast_attention(model: LoadedModel) -> bool:
    """Route self-attention to FlashAttention-4 where it can run; False leaves SDPA's pick."""
    if not fast_attention_available(model.device):
        return False
    activate_flash_attention_4()
    return sum(route_self_attention(t, "_native_flash") for t in model.transformers) > 0


def activate_flash_attention_4() -> None:
    """Make SDPA's flash backend run FlashAttention-4, process-wide (a GPU worker serves one
    model). PyTorch's own glue does the dispatcher work; `flash4` adapts the package to it."""
    from torch.nn.attention import activate_flash_attention_impl, current_flash_attention_impl

    if current_flash_attention_impl() == "FA4":
        return
    from torch.nn.attention import _fa4, register_flash_attention_impl

    register = functools.partial(
        _fa4.register_flash_attention_fa4, module_path="gen_engine.diffusion.flash4"
    )
    register_flash_attention_impl("FA4", register_fn=register)
    activate_flash_attention_impl("FA4")


def prepare_for_speed(
    model: LoadedModel,
    compile_blocks: bool,
    compile_mode: str | None = None,
    fast_attention: bool = True,
) -> tuple[GuidancePairing | None, bool]:
    """Apply the exact (output-preserving) speed-ups once, when the model is loaded.

    Not `fullgraph`: the draft preset's cache hooks wrap the blocks and are opaque to dynamo,
    so they must be allowed to break the graph; without hooks the graph is whole anyway.
    """
    pairing = GuidancePairing(*model.transformers) if model.family.pairs_guidance else None
    if fast_attention and use_fast_attention(model):
        logger.info("self-attention runs on FlashAttention-4")
    compiled = False
    if compile_blocks and model.device.type == "cuda":
        for denoiser in model.transformers:
            with contextlib.suppress(AttributeError, NotImplementedError, ValueError):
                denoiser.fuse_qkv_projections()
            for block in _blocks(denoiser):
                block.compile(fullgraph=False, dynamic=False, mode=compile_mode)
        compiled = True
    return pairing, compiled


def _blocks(transformer: Any) -> list[Any]:
    for name in ("blocks", "transformer_blocks"):
        blocks = getattr(transformer, name, None)
        if blocks is not None:
            return list(blocks)
    return []


def draft_cache_config(steps: int) -> Any:
    """TaylorSeer "lite": blocks skipped and the output projection extrapolated on cached steps;
    full steps at the start (to learn the trend), every fourth step, and the last two."""
    from diffusers.hooks import TaylorSeerCacheConfig

    warmup = max(2, steps // 10)
    return TaylorSeerCacheConfig(
        cache_interval=4,
        disable_cache_before_step=warmup,
        disable_cache_after_step=max(warmup + 1, steps - 2),
        max_order=1,
        use_lite_mode=True,
    )


@contextlib.contextmanager
def quality_preset(model: LoadedModel, quality: str, steps: int) -> Iterator[None]:
    """Enable the draft step cache for one pipeline call; "final" runs every step in full."""
    transformer = model.transformer
    if quality != "draft":
        yield
        return
    # The cache's hooks are opaque to dynamo: compiled blocks would break their graph at every
    # hook and lose most of the cache's gain (LTX on an H200: 1.09x instead of 2.59x), so a
    # draft runs the blocks eagerly; their compiled code is kept for the next final run.
    compiled = {block: block._compiled_call_impl for block in _blocks(transformer)}
    for block in compiled:
        block._compiled_call_impl = None
    transformer.enable_cache(draft_cache_config(steps))
    try:
        yield
    finally:
        transformer.disable_cache()
        for block, impl in compiled.items():
            block._compiled_call_impl = impl
