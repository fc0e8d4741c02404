"""The module PyTorch's FlashAttention-4 glue loads, adapted to flash-attn-4 as released.

`torch.nn.attention` can put FlashAttention-4 behind SDPA's flash backend: its glue imports a
module and calls `_flash_attn_fwd(q, k, v, **options)`, expecting `(out, lse)`. The
`flash-attn-4` betas return more values than that (`(out, lse, None, None, None)` in 4.0.0b36),
so the glue fails on unpacking when pointed at `flash_attn.cute.interface` directly (measured on
an H200 with torch 2.11). This module forwards every call and keeps the two results the glue
reads. Imported only on a GPU worker with `flash-attn-4` installed (requirements-gpu.txt).
"""

from __future__ import annotations

from typing import Any

from flash_attn.cute import interface


def _flash_attn_fwd(*args: Any, **kwargs: Any) -> tuple[Any, Any]:
    result = interface._flash_attn_fwd(*args, **kwargs)
    return result[0], result[1]


def _flash_attn_bwd(*args: Any, **kwargs: Any) -> Any:
    """Never reached by inference; the glue insists that the module has it."""
    return interface._flash_attn_bwd(*args, **kwargs)
