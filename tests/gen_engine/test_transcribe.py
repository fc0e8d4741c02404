"""gen_engine.transcribe: a tiny random-weight Whisper, built offline, read through the product's
own loader and run on the sound decoded from real MP4s.

Random weights say nonsense, so these tests check the mechanics: what is decoded (against the
clip's own audio, decoded separately), the 30 s windows, the bound on what a window can say,
the cache, and every way a folder or file can be refused.
"""

from __future__ import annotations

import json
import shutil
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from gen_engine import transcribe
from gen_engine.pipeline import generate_unchecked
from gen_engine.transcribe import Transcript, build_tiny_whisper, decode_audio, load_recognizer
from gen_engine.types import GenerationError, GenerationSpec
from tests.gen_engine.conftest import decode_clip


@pytest.fixture(scope="module")
def asr_dir(tmp_path_factory) -> Path:
    return build_tiny_whisper(tmp_path_factory.mktemp("asr") / "whisper-tiny-test")


@pytest.fixture(scope="module")
def spoken_clip(tmp_path_factory) -> Path:
    """Two seconds at 144x256 from the default engine, with a line of eSpeak dialogue."""
    spec = GenerationSpec(
        prompt='a man says "hello there, my friend" to a dog', duration=2, resolution=144
    )
    out = tmp_path_factory.mktemp("clip")
    result = generate_unchecked(spec, out, provenance=False)
    assert result.plan.dialogue, "the clip needs speech for these tests to mean anything"
    return Path(result.video_path)


@pytest.fixture(autouse=True)
def _fresh_cache():
    transcribe.clear_cache()
    yield
    transcribe.clear_cache()


def _write_tone_mp4(path: Path, seconds: float, *, rate: int = 44_100) -> Path:
    """An MP4 with only an AAC stereo stream: a 440 Hz tone on the left, 660 Hz on the right."""
    with av.open(str(path), "w") as container:
        stream = container.add_stream("aac", rate=rate, layout="stereo")
        t = np.arange(int(seconds * rate), dtype=np.float32) / rate
        tones = np.stack([0.3 * np.sin(2 * np.pi * 440 * t), 0.3 * np.sin(2 * np.pi * 660 * t)])
        for start in range(0, t.size, 1024):
            frame = av.AudioFrame.from_ndarray(
                np.ascontiguousarray(tones[:, start : start + 1024], dtype=np.float32),
                format="fltp",
                layout="stereo",
            )
            frame.sample_rate, frame.pts = rate, start
            frame.time_base = Fraction(1, rate)
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return path


def test_the_tiny_whisper_loads_and_transcribes_a_real_clip(asr_dir, spoken_clip):
    heard = transcribe.transcribe(spoken_clip, asr_dir, device="cpu")
    assert isinstance(heard, Transcript) and isinstance(heard.text, str)
    assert heard.model == "whisper-tiny-test"
    assert heard.seconds == pytest.approx(decode_clip(spoken_clip).audio_duration, abs=0.02)
    # One window says at most TINY_MAX_TOKENS tokens; each decodes to at most one character per
    # byte of its byte-level spelling (an invalid byte becomes one replacement character).
    vocab = load_recognizer(asr_dir, "cpu").processor.tokenizer.get_vocab()
    longest = max(len(token) for token in vocab if not token.startswith("<|"))
    assert heard.text and len(heard.text) <= transcribe.TINY_MAX_TOKENS * longest
    again = transcribe.transcribe(spoken_clip, asr_dir, device="cpu")
    assert again == heard  # seeded weights, greedy decoding: the same file says the same


def test_decoded_sound_is_the_clips_own_at_16_khz_mono(spoken_clip):
    clip = decode_clip(spoken_clip)  # 48 kHz stereo, decoded separately in the test helper
    samples = decode_audio(spoken_clip)
    assert samples.dtype == np.float32
    assert samples.size == pytest.approx(clip.audio_duration * 16_000, abs=160)
    mono = clip.audio.mean(axis=1)
    assert np.sqrt(np.mean(samples**2)) == pytest.approx(np.sqrt(np.mean(mono**2)), rel=0.05)

    def envelope(x: np.ndarray, rate: int) -> np.ndarray:
        block = rate // 20  # 50 ms
        count = x.size // block
        return np.sqrt((x[: count * block].reshape(count, block) ** 2).mean(axis=1))

    ours, theirs = envelope(samples, 16_000), envelope(mono, clip.sample_rate)
    n = min(ours.size, theirs.size)
    assert np.std(theirs[:n]) > 0.01  # the speech makes the loudness move
    assert np.corrcoef(ours[:n], theirs[:n])[0, 1] > 0.98


def test_long_sound_is_cut_into_30_second_windows(asr_dir, tmp_path, monkeypatch):
    path = _write_tone_mp4(tmp_path / "tone.mp4", 65.0)
    samples = decode_audio(path)
    # The mean of two uncorrelated tones of amplitude 0.3: RMS sqrt(2 * 0.3**2 / 2) / 2 = 0.15
    # (a downmix that summed the channels would read 0.3, one that kept the left 0.21).
    assert np.sqrt(np.mean(samples[16_000:-16_000] ** 2)) == pytest.approx(0.15, rel=0.05)
    batches: list[list[float]] = []
    real_run = transcribe._run

    def spy(recognizer, batch):
        batches.append([round(window.size / 16_000, 2) for window in batch])
        return real_run(recognizer, batch)

    monkeypatch.setattr(transcribe, "_run", spy)
    heard = transcribe.transcribe(path, asr_dir, device="cpu")
    assert heard.seconds == pytest.approx(65.0, abs=0.05)
    assert len(batches) == 1 and batches[0][:2] == [30.0, 30.0]
    assert batches[0][2] == pytest.approx(5.0, abs=0.05)


def test_a_file_without_sound_gives_an_empty_transcript(asr_dir, tmp_path):
    from tests.videos.fake_engine import write_tiny_mp4

    silent = tmp_path / "silent.mp4"
    write_tiny_mp4(silent)
    assert decode_audio(silent).size == 0
    assert transcribe.transcribe(silent, asr_dir, device="cpu") == Transcript(
        text="", seconds=0.0, model="whisper-tiny-test"
    )


def test_the_checkpoint_is_loaded_once_per_folder_and_device(asr_dir, spoken_clip, monkeypatch):
    loads: list[str] = []
    real_load = transcribe._load

    def counting(folder, device):
        loads.append(folder.name)
        return real_load(folder, device)

    monkeypatch.setattr(transcribe, "_load", counting)
    first = load_recognizer(asr_dir, "cpu")
    transcribe.transcribe(spoken_clip, asr_dir, device="cpu")
    transcribe.transcribe(spoken_clip, str(asr_dir) + "/", device="cpu")  # same folder
    assert load_recognizer(asr_dir, "cpu") is first and loads == ["whisper-tiny-test"]

    other = shutil.copytree(asr_dir, asr_dir.parent / "second")
    assert load_recognizer(other, "cpu") is not first
    transcribe.clear_cache()
    assert load_recognizer(asr_dir, "cpu") is not first
    assert loads == ["whisper-tiny-test", "second", "whisper-tiny-test"]


def test_a_missing_folder_says_what_to_set(tmp_path):
    with pytest.raises(GenerationError) as caught:
        transcribe.transcribe(tmp_path / "x.mp4", tmp_path / "nowhere", device="cpu")
    assert caught.value.code == "asr_checkpoint_missing"
    assert "nowhere" in caught.value.message and "GEN_ENGINE_ASR_DIR" in caught.value.message


def test_a_folder_that_is_no_whisper_checkpoint_is_refused(asr_dir, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(GenerationError) as caught:
        load_recognizer(empty, "cpu")
    assert caught.value.code == "asr_checkpoint_invalid" and "config.json" in caught.value.message

    other = shutil.copytree(asr_dir, tmp_path / "t5")
    config = json.loads((other / "config.json").read_text())
    (other / "config.json").write_text(json.dumps({**config, "model_type": "t5"}))
    with pytest.raises(GenerationError) as caught:
        load_recognizer(other, "cpu")
    assert caught.value.code == "asr_checkpoint_unsupported" and "t5" in caught.value.message


def test_broken_weights_are_reported_and_not_cached(asr_dir, tmp_path):
    broken = shutil.copytree(asr_dir, tmp_path / "broken")
    weights = broken / "model.safetensors"
    good = weights.read_bytes()
    weights.write_bytes(good[: len(good) // 3])
    with pytest.raises(GenerationError) as caught:
        load_recognizer(broken, "cpu")
    assert caught.value.code == "asr_checkpoint_invalid"
    assert "broken" in caught.value.message and caught.value.__cause__ is not None
    weights.write_bytes(good)  # mended: the next call loads it
    assert load_recognizer(broken, "cpu").name == "broken"


def test_a_model_failing_mid_transcription_is_an_asr_failure(asr_dir, spoken_clip, monkeypatch):
    recognizer = load_recognizer(asr_dir, "cpu")

    def boom(*args, **kwargs):
        raise RuntimeError("shapes disagree")

    monkeypatch.setattr(recognizer.model, "generate", boom)
    with pytest.raises(GenerationError) as caught:
        transcribe.transcribe(spoken_clip, asr_dir, device="cpu")
    assert caught.value.code == "asr_failure" and "shapes disagree" in caught.value.message
    assert isinstance(caught.value.__cause__, RuntimeError)


def test_a_file_that_is_not_a_video_is_unreadable(asr_dir, tmp_path):
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"\x00\x00\x00\x18ftypmp42 this is not a video")
    with pytest.raises(GenerationError) as caught:
        transcribe.transcribe(junk, asr_dir, device="cpu")
    assert caught.value.code == "audio_unreadable"


def test_sound_past_the_limit_is_refused_not_half_heard(tmp_path, monkeypatch):
    monkeypatch.setattr(transcribe, "MAX_SECONDS", 1.0)
    path = _write_tone_mp4(tmp_path / "long.mp4", 3.0)
    with pytest.raises(GenerationError) as caught:
        decode_audio(path)
    assert caught.value.code == "audio_too_long"
