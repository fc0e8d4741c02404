"""Command line: `python -m gen_engine "PROMPT" -o out.mp4 [options]`.

Exit status: 0 done, 1 the engine refused or failed (GenerationError; its code is printed),
2 bad arguments (argparse), 130 interrupted. With --json the Result (plan, events, timings) is
printed as JSON on stdout; progress goes to stderr so stdout stays machine-readable.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any, TextIO

from gen_engine.types import (
    ASPECTS,
    DURATIONS,
    RESOLUTIONS,
    DiffusionSettings,
    GenerationCancelled,
    GenerationError,
    GenerationSpec,
    Progress,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m gen_engine",
        description="Turn a prompt into a short video with sound (MP4 + poster JPEG).",
    )
    parser.add_argument("prompt", help="what the video shows, e.g. 'a dog jumps on a beach'")
    parser.add_argument("-o", "--output", type=Path, help="where to write the MP4 (required "
                        "unless --plan-only); the poster goes next to it as .jpg")  # fmt: skip
    parser.add_argument("--duration", type=int, choices=DURATIONS, default=10, help="seconds")
    parser.add_argument("--aspect", choices=ASPECTS, default="9:16")
    parser.add_argument("--resolution", type=int, choices=RESOLUTIONS, default=720,
                        help="the short side in pixels")  # fmt: skip
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--style", help="override the director's style, e.g. anime, noir")
    parser.add_argument("--camera", help="override the director's camera, e.g. 'dolly in'")
    parser.add_argument("--handle", default="", help="the creator's handle, named in the C2PA data")
    parser.add_argument("--model-dir", type=Path,
                        help="a diffusers checkpoint folder (Wan, LTX-Video, LTX-2, CogVideoX): "
                             "run the diffusers backend over the physics render")  # fmt: skip
    parser.add_argument("--steps", type=int, default=0,
                        help="with --model-dir: steps (0: the family's default)")  # fmt: skip
    parser.add_argument("--working-size", type=_size, metavar="WxH",
                        help="with --model-dir: the model's frame size instead of its published "
                             "one (small sizes try a tiny checkpoint on a CPU)")  # fmt: skip
    parser.add_argument("--ic-lora", type=Path,
                        help="with an LTX-2 --model-dir: an IC-LoRA the physics render "
                             "conditions through")  # fmt: skip
    parser.add_argument("--audio", choices=("model", "engine", "mix"), default="model",
                        help="with an LTX-2 --model-dir: the model's own sound, the engine's, or "
                             "the model's with the engine's foley and ambience")  # fmt: skip
    parser.add_argument("--quality", choices=("final", "draft"), default="final",
                        help="with --model-dir: draft adds a step cache")  # fmt: skip
    parser.add_argument("--mode", choices=("auto", "video", "text", "image"), default="auto",
                        help="with --model-dir: what the model starts from")  # fmt: skip
    parser.add_argument("--strength", type=float, default=0.7,
                        help="with --model-dir: how far it may move from the render")  # fmt: skip
    parser.add_argument("--plan-only", action="store_true",
                        help="print the scene plan as JSON and render nothing")  # fmt: skip
    parser.add_argument("--json", action="store_true",
                        help="print the result (plan, events, timings) as JSON")  # fmt: skip
    return parser


def _size(text: str) -> tuple[int, int]:
    width, _, height = text.lower().partition("x")
    try:
        size = (int(width), int(height))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not WIDTHxHEIGHT, e.g. 32x64") from None
    if not all(8 <= side <= 4096 for side in size):
        raise argparse.ArgumentTypeError("each side must be 8 to 4096 pixels")
    return size


def main(argv: list[str] | None = None, stdout: TextIO | None = None) -> int:
    out = stdout or sys.stdout
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.plan_only and args.output is None:
        parser.error("-o/--output is required unless --plan-only is given")
    if args.seed < 0:
        parser.error("--seed must be 0 or more")
    if not 0.0 < args.strength <= 1.0:
        parser.error("--strength must be in (0, 1]")
    if not 0 <= args.steps <= 200:
        parser.error("--steps must be 0 to 200")
    diffusion = None
    if args.model_dir is not None:
        diffusion = DiffusionSettings(
            model_dir=str(args.model_dir),
            quality=args.quality,
            mode=args.mode,
            strength=args.strength,
            audio=args.audio,
            ic_lora=str(args.ic_lora) if args.ic_lora else "",
            steps=args.steps or None,
            working_size=args.working_size,
            # "cpu" runs a tiny test checkpoint on a machine without a GPU
            device=os.environ.get("GEN_ENGINE_DEVICE", "auto"),
        )
    spec = GenerationSpec(
        prompt=args.prompt,
        duration=args.duration,
        aspect=args.aspect,
        resolution=args.resolution,
        seed=args.seed,
        style=args.style,
        camera=args.camera,
        creator_handle=args.handle,
        backend="diffusers" if diffusion is not None else "default",
        diffusion=diffusion,
    )
    try:
        if args.plan_only:
            _print_json(_plan_only(spec), out)
            return 0
        result = _render(spec, args.output, quiet=args.json)
    except GenerationError as error:
        print(f"error [{error.code}]: {error.message}", file=sys.stderr)
        return 1
    except (GenerationCancelled, KeyboardInterrupt):
        print("interrupted", file=sys.stderr)
        return 130
    if args.json:
        _print_json(result, out)
    else:
        print(f"{result['video_path']}  {result['width']}x{result['height']}, "
              f"{result['duration']:g} s  (poster {result['poster_path']})", file=out)  # fmt: skip
        timings = ", ".join(f"{k} {v:.2f}s" for k, v in result["timings"].items())
        print(f"timings: {timings}", file=out)
    return 0


def _plan_only(spec: GenerationSpec) -> dict[str, Any]:
    from gen_engine.pipeline import validate_spec

    validate_spec(spec)
    try:
        from gen_engine.director import plan_scene

        plan = plan_scene(spec.prompt, seed=spec.seed, style=spec.style, camera=spec.camera)
    except GenerationError:
        raise
    except Exception as error:  # the same promise as generate: only GenerationError leaves
        raise GenerationError("engine_failure", f"The director failed: {error}") from error
    return plan.to_dict()


def _render(spec: GenerationSpec, output: Path, quiet: bool) -> dict[str, Any]:
    from gen_engine.pipeline import generate

    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    poster = output.with_suffix(".jpg")
    # Render into a private folder beside the target, then move: a failed or interrupted run
    # never leaves a half-written file under the name the user asked for.
    workdir = Path(tempfile.mkdtemp(prefix=".gen_engine-", dir=output.parent))
    try:
        result = generate(spec, workdir, on_progress=None if quiet else _show_progress)
        shutil.move(result.video_path, output)
        shutil.move(result.poster_path, poster)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    moved = dataclasses.replace(result, video_path=str(output), poster_path=str(poster))
    return moved.to_dict()


_last_stage: list[str] = [""]


def _show_progress(progress: Progress) -> None:
    if progress.stage != _last_stage[0]:
        _last_stage[0] = progress.stage
        print(f"[{progress.fraction:4.0%}] {progress.stage}: {progress.message}", file=sys.stderr)


def _print_json(data: Any, out: TextIO) -> None:
    json.dump(data, out, indent=2, ensure_ascii=False, default=str)
    out.write("\n")


if __name__ == "__main__":
    sys.exit(main())
