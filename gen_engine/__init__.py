"""The generation engine: prompt -> plan -> physics -> frames + sound -> signed MP4.

A plain Python package: it imports nothing from Django or the site's apps (an import-linter
contract enforces this) and speaks only in the frozen dataclasses of `gen_engine.types`.
"""

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


def generate(spec, out_dir, on_progress=None, should_cancel=None):  # type: ignore[no-untyped-def]
    """Turn `spec` into an MP4 and poster in `out_dir`. See gen_engine.pipeline.generate."""
    from gen_engine.pipeline import generate as _generate

    return _generate(spec, out_dir, on_progress=on_progress, should_cancel=should_cancel)
