"""The output check on generated clips: nudity frames are held, clean clips pass."""

from __future__ import annotations

import pytest

from moderation import gate, policy
from moderation.models import Case
from moderation.output_check import check_output, detect_frames, dialogue_from_plan
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
