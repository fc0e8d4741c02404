"""The output check on generated clips: nudity frames are held, clean clips pass."""

from __future__ import annotations

import numpy as np
import pytest

from moderation import gate, policy
from moderation.models import Case
from moderation.output_check import (
    FrameCollector,
    check_output,
    check_output_frames,
    detect_frames,
    dialogue_from_plan,
)
from tests.moderation.synthetic import render_clean, render_flagged, write_clip


@pytest.fixture(scope="module")
def clips(tmp_path_factory):
    folder = tmp_path_factory.mktemp("clips")
    clean, flagged = render_clean(), render_flagged()
    return {
        # Nudity only in the middle second: catching it needs sampling every second.
        "nude": write_clip(folder / "nude.mp4", [clean, flagged, clean], seconds=3),
        "clean": write_clip(folder / "clean.mp4", [clean], seconds=4),
    }


def test_the_synthetic_frame_is_flagged_and_the_clean_one_is_not():
    ((flag_score, label),) = detect_frames([render_flagged(640, 360)])
    ((clean_score, _),) = detect_frames([render_clean(640, 360)])
    assert label == "FEMALE_BREAST_EXPOSED" and flag_score > 0.6
    assert clean_score < 0.1


def test_nudity_frame_holds_the_clip(clips):
    decision = check_output(str(clips["nude"]), [])
    assert decision.held
    assert decision.category == policy.SEXUAL
    assert decision.frames_checked == 3  # one a second
    flagged = [f for f in decision.frames if f.score >= 0.45]
    assert [f.time for f in flagged] == [1.0]
    assert "nudity" in decision.reason
    assert decision.scores["flagged_frames"] == [1.0]


def test_clean_clip_passes(clips):
    decision = check_output(str(clips["clean"]), ["What a lovely morning!", "Let's go."])
    assert not decision.held
    assert decision.frames_checked == 4
    assert decision.nudity_score < 0.1
    assert len(decision.dialogue) == 2 and all(d.allowed for d in decision.dialogue)


def test_dialogue_line_holds_the_clip(clips):
    decision = check_output(str(clips["clean"]), ["Hello", "I am going to kill myself tonight"])
    assert decision.held
    assert decision.category == policy.SELF_HARM
    assert "dialogue" in decision.reason


def test_dialogue_from_plan():
    plan = {"dialogue": [{"speaker": "a", "text": "Hi!"}, {"speaker": "b", "text": "Bye"}]}
    assert dialogue_from_plan(plan) == ["Hi!", "Bye"]
    assert dialogue_from_plan({}) == [] and dialogue_from_plan(None) == []


@pytest.mark.django_db
def test_output_gate_opens_a_case_on_the_video(clips, video_factory):
    video = video_factory(status="draft_ready")
    decision = gate.output_gate(video=video, video_path=str(clips["nude"]), dialogue=[])
    assert decision.held
    case = Case.objects.get()
    assert case.target == video and case.opened_by == Case.OpenedBy.OUTPUT_CHECK
    assert case.subject_user == video.owner
    assert case.scores["nudity"] > 0.45

    clean_video = video_factory(status="draft_ready")
    assert not gate.output_gate(video=clean_video, video_path=str(clips["clean"])).held
    assert Case.objects.count() == 1


@pytest.mark.django_db
def test_output_gate_holds_a_prompt_that_needed_review(clips, video_factory):
    video = video_factory(status="draft_ready", prompt="a woman dancing seductively")
    decision = gate.output_gate(video=video, video_path=str(clips["clean"]))
    assert decision.held
    assert Case.objects.get().opened_by == Case.OpenedBy.PROMPT_REVIEW


def test_a_file_that_is_not_a_video_raises_instead_of_hanging(tmp_path):
    """Decoding runs in a thread beside the detector: its error reaches the caller (the worker
    then retries or fails the job) and the thread does not outlive the call."""
    import threading

    import av

    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"\x00\x00\x00\x18ftypmp42 this is not a video")
    with pytest.raises(av.error.FFmpegError):
        check_output(str(broken), [])
    assert not [t for t in threading.enumerate() if t.name == "output-check-decode"]


# The engine's frames: the worker checks the frames the engine handed over while rendering
# instead of decoding the file (gen_engine.pipeline's frame_sampler, FrameCollector here).


def _engine_frames(*images):
    """(time, frame) one a second, scaled as the engine hands them over (long side 320)."""
    return [(float(second), image) for second, image in enumerate(images)]


def test_engine_frames_with_nudity_hold_the_clip():
    clean, flagged = render_clean(320, 180), render_flagged(320, 180)
    decision = check_output_frames(_engine_frames(clean, flagged, clean), [])
    assert decision.held and decision.category == policy.SEXUAL
    assert decision.frames_checked == 3
    assert decision.scores["flagged_frames"] == [1.0]
    assert decision.scores["frames_from"] == "engine"


def test_clean_engine_frames_pass_but_dialogue_still_counts():
    frames = _engine_frames(*[render_clean(320, 180)] * 4)
    assert not check_output_frames(frames, ["What a lovely morning!"]).held
    decision = check_output_frames(frames, ["I am going to kill myself tonight"])
    assert decision.held and decision.category == policy.SELF_HARM


def test_collector_gives_frames_only_when_they_cover_the_clip_at_the_policy_rate(settings):
    frame = np.zeros((320, 180, 3), np.uint8)
    collector = FrameCollector(fps=24)
    for index in (0, 24, 48):
        collector(index, frame)
    covering = collector.covering(3.0)
    assert covering is not None and [t for t, _ in covering] == [0.0, 1.0, 2.0]
    assert collector.covering(4.5) is None  # the last 2.5 s were never seen
    settings.MODERATION_OUTPUT_FPS = 2
    assert collector.covering(3.0) is None  # one a second is too few for this policy

    settings.MODERATION_OUTPUT_FPS = 1
    gappy = FrameCollector(fps=24)
    for index in (0, 48):
        gappy(index, frame)
    assert gappy.covering(2.0) is None
    assert FrameCollector(fps=24).covering(1.0) is None
    late = FrameCollector(fps=24)
    late(12, frame)
    assert late.covering(1.0) is None  # frame 0 is missing


class _SamplingEngine:
    """A stand-in engine that declares `frame_sampler` as gen_engine.generate does: it writes a
    clean tiny MP4 but hands the sampler `handed` frames, so a hold can only come from them."""

    def __init__(self, handed):
        self.handed = handed
        self.sampler_given = False

    def __call__(self, spec, out_dir, on_progress=None, should_cancel=None, *, frame_sampler=None):
        from dataclasses import replace

        from tests.videos import fake_engine

        self.sampler_given = frame_sampler is not None
        result = fake_engine.generate(spec, out_dir)
        if frame_sampler is not None:
            for second, image in enumerate(self.handed):
                frame_sampler(second * spec.fps, image)
        return replace(result, duration=float(len(self.handed)))


@pytest.mark.django_db
def test_worker_holds_a_draft_whose_engine_frames_show_nudity(run_job):
    from videos.models import GenerationJob, Video

    clean, flagged = render_clean(320, 180), render_flagged(320, 180)
    engine = _SamplingEngine([clean, flagged, clean])
    video, job = run_job(engine)
    assert engine.sampler_given
    assert job.status == GenerationJob.Status.SUCCEEDED, job.error_message
    assert video.status == Video.Status.IN_REVIEW
    case = Case.objects.get()
    assert case.target == video and case.opened_by == Case.OpenedBy.OUTPUT_CHECK
    assert case.scores["frames_from"] == "engine" and case.scores["flagged_frames"] == [1.0]


@pytest.mark.django_db
def test_worker_passes_clean_engine_frames(run_job):
    from videos.models import Video

    video, _ = run_job(_SamplingEngine([render_clean(320, 180)] * 2))
    assert video.status == Video.Status.DRAFT_READY
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_worker_decodes_the_file_when_the_engine_hands_over_no_frames(run_job, monkeypatch):
    """An engine callable without the keyword (the tests' fake engine) gets no sampler: the
    worker samples its file instead, which here shows nudity."""
    from tests.videos import fake_engine
    from videos.models import Video

    def nude_mp4(path, frames=12, size=(64, 112)):
        write_clip(path, [render_flagged(640, 360)], seconds=0.5)

    monkeypatch.setattr(fake_engine, "write_tiny_mp4", nude_mp4)
    video, _ = run_job(fake_engine.generate)
    assert video.status == Video.Status.IN_REVIEW
    assert Case.objects.get().scores["frames_from"] == "file"
