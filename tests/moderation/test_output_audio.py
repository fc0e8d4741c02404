"""The output check on what is heard: a sound track a model made (Result.audio_source "model" or
"mix") is transcribed with GEN_ENGINE_ASR_DIR's Whisper and checked as dialogue.

A random-weight Whisper cannot say a chosen sentence, so most tests here replace
gen_engine.transcribe.transcribe with one that "hears" a known text; one runs the real tiny
checkpoint through the gate, and the failure tests use the real loader on broken folders.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from gen_engine import transcribe
from gen_engine.transcribe import Transcript
from moderation import gate, policy
from moderation.models import AuditLogEntry, Case
from moderation.output_check import AUDIO_FAILED, heard_lines
from tests.moderation.synthetic import render_clean, render_flagged, write_clip

OFFENDING = "Good morning, everyone. I am going to kill myself tonight."  # self-harm, as dialogue
BENIGN = "Good morning, everyone. What a lovely day for a walk on the beach."


@pytest.fixture(scope="module")
def clean_clip(tmp_path_factory) -> Path:
    return write_clip(tmp_path_factory.mktemp("audio") / "clean.mp4", [render_clean()], seconds=1)


@pytest.fixture
def heard(monkeypatch):
    """Replace the transcriber: it 'hears' `heard.text` and records each call."""

    class Heard:
        text = BENIGN
        calls: list[tuple[str, str]] = []

    def fake(video_path, model_dir, *, device=None):
        Heard.calls.append((str(video_path), str(model_dir)))
        return Transcript(text=Heard.text, seconds=4.0, model="whisper-small")

    Heard.calls = []
    monkeypatch.setattr(transcribe, "transcribe", fake)
    return Heard


def _write_tone_mp4(path: Path, seconds: float, rate: int = 16_000) -> Path:
    with av.open(str(path), "w") as container:
        stream = container.add_stream("aac", rate=rate, layout="mono")
        t = np.arange(int(seconds * rate), dtype=np.float32) / rate
        tone = (0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)[None]
        for start in range(0, t.size, 1024):
            frame = av.AudioFrame.from_ndarray(
                np.ascontiguousarray(tone[:, start : start + 1024]), format="fltp", layout="mono"
            )
            frame.sample_rate, frame.pts, frame.time_base = rate, start, Fraction(1, rate)
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return path


def test_a_transcript_is_checked_a_sentence_at_a_time():
    assert heard_lines(OFFENDING) == [
        "Good morning, everyone.",
        "I am going to kill myself tonight.",
    ]
    long = " ".join(["word"] * 70)
    assert [len(line.split()) for line in heard_lines(long)] == [30, 30, 10]
    assert heard_lines("") == [] and heard_lines("  \n ") == []


@pytest.mark.django_db
def test_what_is_heard_holds_the_draft_and_the_case_says_so(
    settings, heard, clean_clip, video_factory
):
    settings.GEN_ENGINE_ASR_DIR = "/models/whisper-small"
    heard.text = OFFENDING
    video = video_factory(status="draft_ready")
    decision = gate.output_gate(
        video=video,
        video_path=str(clean_clip),
        dialogue=["Hello!"],  # the plan's line is harmless: only the sound track is not
        audio_source="model",
        audio_model="ltx-2",
    )
    assert heard.calls == [(str(clean_clip), "/models/whisper-small")]
    assert decision.held and decision.category == policy.SELF_HARM
    assert decision.reason.startswith("Held for review: what is said in the audio.")
    assert all(d.allowed for d in decision.dialogue)
    # Checked a sentence at a time: the greeting passes, the second sentence does not.
    assert len(decision.heard) == 2
    assert decision.heard[0].allowed and not decision.heard[1].allowed
    assert decision.heard[1].context == "dialogue"
    case = Case.objects.get()
    assert case.target == video and case.opened_by == Case.OpenedBy.OUTPUT_CHECK
    assert case.category == policy.SELF_HARM
    assert "what is said in the audio" in case.scores["reason"]
    audio = case.scores["audio"]
    assert audio["transcribed"] is True and audio["transcript"] == OFFENDING
    assert audio["model"] == "ltx-2" and audio["asr_model"] == "whisper-small"
    assert audio["flagged"][0]["category"] == policy.SELF_HARM
    assert not AuditLogEntry.objects.filter(action="output.audio_not_transcribed").exists()


@pytest.mark.django_db
def test_a_mix_is_transcribed_too_and_harmless_speech_passes(
    settings, heard, clean_clip, video_factory
):
    settings.GEN_ENGINE_ASR_DIR = "/models/whisper-small"
    video = video_factory(status="draft_ready")
    decision = gate.output_gate(video=video, video_path=str(clean_clip), audio_source="mix")
    assert len(heard.calls) == 1
    assert not decision.held
    assert decision.audio is not None and decision.audio.transcribed
    assert decision.heard and all(d.allowed for d in decision.heard)
    assert not Case.objects.exists() and not AuditLogEntry.objects.exists()


@pytest.mark.django_db
def test_without_a_checkpoint_the_draft_passes_and_the_record_says_not_transcribed(
    settings, heard, clean_clip, video_factory
):
    settings.GEN_ENGINE_ASR_DIR = ""
    heard.text = OFFENDING  # would hold it, were it heard
    video = video_factory(status="draft_ready")
    decision = gate.output_gate(
        video=video, video_path=str(clean_clip), audio_source="model", audio_model="ltx-2"
    )
    assert heard.calls == []
    assert not decision.held
    assert not Case.objects.exists()
    entry = AuditLogEntry.objects.get(action="output.audio_not_transcribed")
    assert entry.target_id == str(video.pk) and entry.actor is None
    assert entry.reason.startswith("The audio was not transcribed")
    assert "GEN_ENGINE_ASR_DIR" in entry.reason and "ltx-2" in entry.reason
    assert entry.data["transcribed"] is False and entry.data["source"] == "model"


@pytest.mark.django_db
def test_a_draft_held_for_something_else_has_the_untranscribed_audio_on_its_case(
    settings, heard, video_factory
):
    settings.GEN_ENGINE_ASR_DIR = ""
    video = video_factory(status="draft_ready")
    frames = [(0.0, render_clean(320, 180)), (1.0, render_flagged(320, 180))]
    decision = gate.output_gate(
        video=video, video_path="unused.mp4", frames=frames, audio_source="model"
    )
    assert decision.held and decision.category == policy.SEXUAL
    audio = Case.objects.get().scores["audio"]
    assert audio["transcribed"] is False
    assert audio["note"].startswith("The audio was not transcribed")


@pytest.mark.django_db
def test_the_engines_own_sound_is_never_transcribed(
    settings, monkeypatch, clean_clip, video_factory
):
    def never(*args, **kwargs):
        raise AssertionError("transcribe must not run for the engine's own sound")

    monkeypatch.setattr(transcribe, "transcribe", never)
    settings.GEN_ENGINE_ASR_DIR = "/models/whisper-small"
    video = video_factory(status="draft_ready")
    decision = gate.output_gate(
        video=video, video_path=str(clean_clip), dialogue=["I am going to kill myself tonight"]
    )
    assert decision.held and decision.reason.startswith("Held for review: a line of dialogue.")
    assert decision.audio is None and decision.heard == ()
    assert "audio" not in Case.objects.get().scores
    clean = video_factory(status="draft_ready")
    assert not gate.output_gate(video=clean, video_path=str(clean_clip), audio_source="engine").held
    assert not AuditLogEntry.objects.filter(action="output.audio_not_transcribed").exists()


@pytest.mark.django_db
def test_a_checkpoint_that_fails_holds_the_draft_with_the_reason(
    settings, tmp_path, clean_clip, video_factory
):
    settings.GEN_ENGINE_ASR_DIR = str(tmp_path / "no-such-whisper")
    video = video_factory(status="draft_ready")
    decision = gate.output_gate(video=video, video_path=str(clean_clip), audio_source="model")
    assert decision.held and decision.audio is not None
    assert decision.audio.status == AUDIO_FAILED
    assert "could not be transcribed" in decision.reason
    assert "asr_checkpoint_missing" in decision.reason
    case = Case.objects.get()
    assert "could not be transcribed" in case.scores["reason"]
    assert case.scores["audio"]["status"] == AUDIO_FAILED


@pytest.mark.django_db
def test_the_real_tiny_whisper_runs_through_the_gate(settings, tmp_path, video_factory):
    asr = transcribe.build_tiny_whisper(tmp_path / "whisper-tiny-test")
    sound = _write_tone_mp4(tmp_path / "tone.mp4", 1.5)
    settings.GEN_ENGINE_ASR_DIR = str(asr)
    video = video_factory(status="draft_ready")
    transcribe.clear_cache()
    try:
        decision = gate.output_gate(
            video=video,
            video_path=str(sound),
            frames=[(0.0, render_clean(320, 180)), (1.0, render_clean(320, 180))],
            audio_source="model",
        )
    finally:
        transcribe.clear_cache()
    assert decision.audio is not None and decision.audio.transcribed
    assert decision.audio.asr_model == "whisper-tiny-test"
    assert decision.audio.seconds == pytest.approx(1.5, abs=0.05)
    assert decision.audio.text  # nonsense from random weights, but heard and checked
    assert len(decision.heard) >= 1


# The worker: videos.runner threads the engine's Result.audio_source into the gate.


class _ModelSoundEngine:
    """The tests' fake engine, with a result that says a model made its sound."""

    def __init__(self, source: str = "model"):
        self.source = source

    def __call__(self, spec, out_dir, on_progress=None, should_cancel=None):
        from dataclasses import replace

        from tests.videos import fake_engine

        result = fake_engine.generate(spec, out_dir)
        return replace(result, audio_source=self.source, audio_model="ltx-2")


@pytest.mark.django_db
def test_worker_holds_a_draft_for_what_its_model_made_sound_says(settings, heard, run_job):
    from videos.models import GenerationJob, Video

    settings.GEN_ENGINE_ASR_DIR = "/models/whisper-small"
    heard.text = OFFENDING
    video, job = run_job(_ModelSoundEngine("model"))
    assert len(heard.calls) == 1
    assert job.status == GenerationJob.Status.SUCCEEDED, job.error_message
    assert video.status == Video.Status.IN_REVIEW
    assert "what is said in the audio" in Case.objects.get().scores["reason"]


@pytest.mark.django_db
def test_worker_keeps_the_draft_when_transcription_fails(settings, tmp_path, run_job):
    from videos.models import GenerationJob, Video

    broken = tmp_path / "broken-whisper"
    broken.mkdir()
    (broken / "config.json").write_text('{"model_type": "whisper"}')  # and no weights
    settings.GEN_ENGINE_ASR_DIR = str(broken)
    video, job = run_job(_ModelSoundEngine("mix"))
    assert job.status == GenerationJob.Status.SUCCEEDED, job.error_message
    assert video.status == Video.Status.IN_REVIEW and video.video_file
    assert Case.objects.get().scores["audio"]["status"] == AUDIO_FAILED


@pytest.mark.django_db
def test_worker_does_not_transcribe_the_engines_own_sound(settings, heard, run_job):
    from tests.videos import fake_engine
    from videos.models import Video

    settings.GEN_ENGINE_ASR_DIR = "/models/whisper-small"
    video, _ = run_job(fake_engine.generate)
    assert heard.calls == []
    assert video.status == Video.Status.DRAFT_READY


@pytest.mark.django_db
def test_the_case_page_shows_what_was_heard(
    settings, heard, clean_clip, video_factory, client, moderator
):
    settings.GEN_ENGINE_ASR_DIR = "/models/whisper-small"
    heard.text = OFFENDING
    video = video_factory(status="draft_ready")
    gate.output_gate(video=video, video_path=str(clean_clip), audio_source="model")
    untranscribed = video_factory(status="draft_ready")
    settings.GEN_ENGINE_ASR_DIR = ""
    frames = [(0.0, render_flagged(320, 180))]
    gate.output_gate(
        video=untranscribed, video_path="unused.mp4", frames=frames, audio_source="model"
    )
    client.force_login(moderator)
    heard_case, unheard_case = (Case.objects.get(object_id=v.pk) for v in (video, untranscribed))
    html = client.get(f"/admin/moderation/case/{heard_case.pk}/change/").content.decode()
    assert "What is heard" in html and "I am going to kill myself tonight." in html
    assert "was transcribed by whisper-small" in html
    html = client.get(f"/admin/moderation/case/{unheard_case.pk}/change/").content.decode()
    assert "The audio was not transcribed" in html
