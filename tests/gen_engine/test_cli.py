"""`python -m gen_engine`: --plan-only, --json, and exit codes."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import decode_clip

from gen_engine.__main__ import main

REPO = Path(__file__).resolve().parents[2]


def test_plan_only_prints_the_plan_as_json_through_python_m() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "gen_engine", "a cat jumps on a box in a kitchen", "--plan-only"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    plan = json.loads(completed.stdout)
    assert plan["prompt"] == "a cat jumps on a box in a kitchen"
    assert {s["kind"] for s in plan["subjects"]} >= {"cat"}
    assert plan["setting"] == "kitchen"


def test_json_renders_and_prints_the_result(tmp_path: Path) -> None:
    out = io.StringIO()
    target = tmp_path / "clips" / "out.mp4"
    argv = ['a man says "hello" and throws a ball in a studio', "-o", str(target),
            "--duration", "5", "--resolution", "480", "--aspect", "1:1", "--seed", "7",
            "--json"]  # fmt: skip
    assert main(argv, stdout=out) == 0
    result = json.loads(out.getvalue())
    assert result["video_path"] == str(target) and target.exists()
    assert result["poster_path"] == str(target.with_suffix(".jpg"))
    assert target.with_suffix(".jpg").exists()
    assert result["plan"]["seed"] == 7 and result["events"] and result["timings"]["total"] > 0
    assert (result["width"], result["height"], result["duration"]) == (480, 480, 5.0)
    clip = decode_clip(target)
    assert (clip.width, clip.height, clip.frame_count) == (480, 480, 120)
    # Nothing else is left beside the output (the work folder is gone).
    assert sorted(p.name for p in target.parent.iterdir()) == ["out.jpg", "out.mp4"]


def test_generation_errors_exit_1_with_their_code(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["   ", "--plan-only"]) == 1
    assert "empty_prompt" in capsys.readouterr().err
    assert main(["x" * 2001, "-o", "never.mp4"]) == 1
    assert "prompt_too_long" in capsys.readouterr().err
    assert not Path("never.mp4").exists()


def test_model_dir_runs_the_diffusers_backend_and_names_a_missing_checkpoint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "clip.mp4"
    argv = ["a dog", "--duration", "5", "--resolution", "480", "-o", str(target)]
    assert main([*argv, "--model-dir", str(tmp_path / "no-model")]) == 1
    err = capsys.readouterr().err
    assert "checkpoint_missing" in err and "no-model" in err
    assert not target.exists()


@pytest.mark.parametrize(
    "argv",
    [["a dog", "--duration", "7", "-o", "x.mp4"], ["a dog", "--aspect", "4:3", "-o", "x.mp4"],
     ["a dog"], ["a dog", "--seed", "-3", "-o", "x.mp4"],
     ["a dog", "--model-dir", "m", "--strength", "0", "-o", "x.mp4"]],
)  # fmt: skip
def test_bad_arguments_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 2
    assert "error" in capsys.readouterr().err
