"""`generate` end to end with the real stages, checked on the decoded MP4."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from conftest import DecodedClip, band_energy, decode_clip

from gen_engine import GenerationError, GenerationSpec, Progress, Result, generate
from gen_engine.audio import master
from gen_engine.pipeline import generate_unchecked, validate_spec

PROMPT = 'a girl in a red jacket says "watch this!" and bounces three rubber balls on a city street'
STAGES = {"director", "speech", "physics", "audio", "render", "encode", "provenance", "poster"}


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> tuple[Result, list[Progress], DecodedClip]:
    """The smallest real spec (480p, 5 s), made once for this module's checks."""
    progress: list[Progress] = []
    out = tmp_path_factory.mktemp("made")
    result = generate(
        GenerationSpec(prompt=PROMPT, duration=5, resolution=480), out, progress.append
    )
    return result, progress, decode_clip(result.video_path, keep_frames=True)


def test_clip_is_h264_high_yuv420p_aac_48k_stereo_mp4_of_exact_length(
    made: tuple[Result, list[Progress], DecodedClip],
) -> None:
    result, _, clip = made
    assert "mp4" in clip.format_name
    assert (clip.video_codec, clip.profile, clip.pix_fmt) == ("h264", "High", "yuv420p")
    assert (clip.width, clip.height) == (480, 854) == (result.width, result.height)
    assert clip.frame_count == 5 * 24
    assert abs(clip.video_duration - 5.0) <= 1 / 24
    assert (clip.audio_codec, clip.sample_rate, clip.channels) == ("aac", 48000, 2)
    assert abs(clip.audio_duration - 5.0) <= 1 / 24
    assert Path(result.video_path).name == "video.mp4"
    assert Path(result.poster_path).read_bytes()[:3] == b"\xff\xd8\xff"  # a JPEG
    assert sorted(p.name for p in Path(result.video_path).parent.iterdir()) == [
        "poster.jpg",
        "video.mp4",
    ]


def test_decoded_audio_is_about_minus_16_lufs_and_never_clips(
    made: tuple[Result, list[Progress], DecodedClip],
) -> None:
    _, _, clip = made
    assert abs(master.integrated_loudness(clip.audio, 48000) + 16.0) <= 1.5
    assert np.abs(clip.audio).max() < 10 ** (-1.0 / 20)  # under -1 dBFS after AAC


def test_result_carries_plan_events_timings_and_provenance(
    made: tuple[Result, list[Progress], DecodedClip],
) -> None:
    result, _, _ = made
    assert result.plan.prompt == PROMPT and result.duration == 5.0
    kinds = {event.kind for event in result.events}
    assert {"impact", "speech"} <= kinds
    assert STAGES - {"poster"} <= set(result.timings) and result.timings["total"] > 0
    assert result.provenance.get("status") == "signed"
    assert result.provenance.get("state") == "Trusted"
    data = result.to_dict()
    assert data["plan"]["prompt"] == PROMPT and data["events"]


def test_progress_reports_every_stage_and_often_during_render(
    made: tuple[Result, list[Progress], DecodedClip],
) -> None:
    _, progress, _ = made
    assert {p.stage for p in progress} >= STAGES
    assert sum(p.stage in ("render", "encode") for p in progress) >= 10
    fractions = [p.fraction for p in progress]
    assert fractions == sorted(fractions) and fractions[0] >= 0.0
    assert progress[-1] == Progress("done", 1.0, "Ready")


def test_speech_is_heard_inside_each_line_window(
    made: tuple[Result, list[Progress], DecodedClip],
) -> None:
    result, _, clip = made
    lines = [event for event in result.events if event.kind == "speech"]
    assert lines
    mono = clip.audio.mean(axis=1)
    sr = 48000

    def voice_band(start: float, stop: float) -> float:
        piece = mono[int(start * sr) : int(stop * sr)]
        return band_energy(piece, sr, 300, 3400) / max(piece.size, 1)

    for line in lines:
        inside = voice_band(line.time, line.time + line.duration)
        before = voice_band(0.0, max(0.25, line.time - 0.1))
        assert inside > 4 * before, line.text


def test_same_spec_and_seed_give_identical_plan_and_frames(
    made: tuple[Result, list[Progress], DecodedClip], tmp_path: Path
) -> None:
    first, _, first_clip = made
    again = generate(GenerationSpec(prompt=PROMPT, duration=5, resolution=480), tmp_path)
    assert again.plan == first.plan
    assert again.events == first.events
    second_clip = decode_clip(again.video_path, keep_frames=True)
    assert first_clip.frames is not None and second_clip.frames is not None
    assert np.array_equal(first_clip.frames, second_clip.frames)


@pytest.mark.parametrize(("aspect", "size"), [("9:16", (144, 256)), ("16:9", (256, 144)),
                                              ("1:1", (144, 144))])  # fmt: skip
def test_every_aspect_has_its_size(aspect: str, size: tuple[int, int], tmp_path: Path) -> None:
    spec = GenerationSpec(prompt="a dog runs in a park", duration=1, resolution=144, aspect=aspect)
    result = generate_unchecked(spec, tmp_path)
    clip = decode_clip(result.video_path)
    assert (clip.width, clip.height) == size == (result.width, result.height)
    assert clip.frame_count == 24 and abs(clip.audio_duration - 1.0) <= 1 / 24


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"prompt": "   "}, "empty_prompt"),
        ({"prompt": "x" * 2001}, "prompt_too_long"),
        ({"prompt": "a dog \ud800 jumps"}, "invalid_prompt"),
        ({"duration": 7}, "invalid_duration"),
        ({"duration": True}, "invalid_duration"),
        ({"aspect": "4:3"}, "invalid_aspect"),
        ({"resolution": 360}, "invalid_resolution"),
        ({"fps": 30}, "invalid_fps"),
        ({"seed": -1}, "invalid_seed"),
        ({"watermark_id": 2**48}, "invalid_watermark_id"),
        ({"backend": "wan"}, "unsupported_backend"),
    ],
)
def test_invalid_specs_are_refused_with_stable_codes(
    changes: dict[str, object], code: str, tmp_path: Path
) -> None:
    fields: dict[str, object] = {"prompt": "a ball bounces", **changes}
    spec = GenerationSpec(**fields)  # type: ignore[arg-type]
    with pytest.raises(GenerationError) as caught:
        generate(spec, tmp_path / "out")
    assert caught.value.code == code and caught.value.message
    assert not (tmp_path / "out").exists()
    with pytest.raises(GenerationError):
        validate_spec(spec)


def test_a_failing_stage_becomes_engine_failure_and_leaves_no_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gen_engine.render

    class Broken:
        def __init__(self, *args: object, **kwargs: object) -> None:
            pass

        def poster_frame_index(self) -> int:
            return 0

        def render(self, start: int, stop: int) -> np.ndarray:
            raise ValueError("tensor shapes disagree")

    monkeypatch.setattr(gen_engine.render, "Renderer", Broken)
    spec = GenerationSpec(prompt="a ball bounces", duration=1, resolution=144)
    with pytest.raises(GenerationError) as caught:
        generate_unchecked(spec, tmp_path)
    assert caught.value.code == "engine_failure"
    assert "render" in caught.value.message and "tensor shapes disagree" in caught.value.message
    assert isinstance(caught.value.__cause__, ValueError)
    assert list(tmp_path.iterdir()) == []


def test_a_failing_progress_callback_is_reported_as_engine_failure(tmp_path: Path) -> None:
    def explode(progress: Progress) -> None:
        if progress.stage == "physics":
            raise KeyError("listener gone")

    spec = GenerationSpec(prompt="a ball bounces", duration=1, resolution=144)
    with pytest.raises(GenerationError) as caught:
        generate_unchecked(spec, tmp_path, explode)
    assert caught.value.code == "engine_failure"
    assert isinstance(caught.value.__cause__, KeyError)
    assert list(tmp_path.iterdir()) == []
