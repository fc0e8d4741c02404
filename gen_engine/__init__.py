"""The generation engine: prompt -> plan -> physics -> frames + sound -> signed MP4.

A plain Python package: it imports nothing from Django or the site's apps (an import-linter
contract enforces this) and speaks only in the frozen dataclasses of `gen_engine.types`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gen_engine.types import (
    CameoRef,
    GenerationCancelled,
    GenerationError,
    GenerationSpec,
    Progress,
    RemixOf,
    Result,
    ScenePlan,
)

if TYPE_CHECKING:
    import os

    from gen_engine.pipeline import FrameSampler
    from gen_engine.types import CancelCheck, ProgressCallback

__version__ = "0.1.0"

__all__ = [
    "CameoRef",
    "GenerationCancelled",
    "GenerationError",
    "GenerationSpec",
    "Progress",
    "RemixOf",
    "Result",
    "ScenePlan",
    "generate",
]


def generate(
    spec: GenerationSpec,
    out_dir: str | os.PathLike[str],
    on_progress: ProgressCallback | None = None,
    should_cancel: CancelCheck | None = None,
    *,
    frame_sampler: FrameSampler | None = None,
) -> Result:
    """Turn `spec` into an MP4 and poster in `out_dir`. See gen_engine.pipeline.generate
    (`frame_sampler` receives a small copy of one marked frame per second of output)."""
    from gen_engine.pipeline import generate as _generate

    return _generate(
        spec,
        out_dir,
        on_progress=on_progress,
        should_cancel=should_cancel,
        frame_sampler=frame_sampler,
    )
