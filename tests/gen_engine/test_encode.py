"""The PyAV encoder on synthetic frames, checked on the decoded file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from conftest import decode_clip
from PIL import Image

from gen_engine.encode import ClipEncoder, EncodeError, write_poster

FPS = 24


def _frames(count: int, width: int, height: int, first: int = 0) -> np.ndarray:
    """A moving square over a gradient: enough structure to check the picture survives."""
    yy, xx = np.mgrid[0:height, 0:width]
    base = np.stack(
        [yy * 200 // height, xx * 120 // width + 60, np.full_like(yy, 160)], axis=-1
    ).astype(np.uint8)
    out = np.repeat(base[None], count, axis=0)
    for i in range(count):
        x = (first + i) * 4 % (width - 32)
        out[i, 20:52, x : x + 32] = (230, 30, 30)
    return out


def _tone(seconds: float, sample_rate: int = 48000) -> np.ndarray:
    t = np.arange(round(seconds * sample_rate)) / sample_rate
    left = 0.3 * np.sin(2 * np.pi * 440 * t)
    right = 0.3 * np.sin(2 * np.pi * 660 * t)
    return np.stack([left, right], axis=1).astype(np.float32)


def _psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2)
    return float(10 * np.log10(255.0**2 / max(mse, 1e-9)))


def test_encoded_file_is_faststart_h264_high_and_aac_with_exact_length(tmp_path: Path) -> None:
    width, height, seconds = 144, 256, 2
    path = tmp_path / "clip.mp4"
    frames = _frames(seconds * FPS, width, height)
    encoder = ClipEncoder(path, width, height, FPS, _tone(seconds))
    for start in range(0, len(frames), 10):  # uneven batches on purpose
        encoder.submit(frames[start : start + 10])
    stats = encoder.finish()
    assert stats.frames == seconds * FPS

    clip = decode_clip(path, keep_frames=True)
    assert "mp4" in clip.format_name
    assert (clip.video_codec, clip.profile, clip.pix_fmt) == ("h264", "High", "yuv420p")
    assert (clip.width, clip.height, clip.frame_count) == (width, height, seconds * FPS)
    assert abs(clip.video_duration - seconds) < 1 / FPS
    assert (clip.audio_codec, clip.sample_rate, clip.channels) == ("aac", 48000, 2)
    assert abs(clip.audio_duration - seconds) < 1 / FPS
    assert clip.frames is not None
    assert _psnr(clip.frames, frames) > 30  # the picture is what was sent, in order
    # Channels stay apart: left is 440 Hz, right 660 Hz.
    spectrum = np.abs(np.fft.rfft(clip.audio[4800:-4800], axis=0))
    freqs = np.fft.rfftfreq(clip.audio.shape[0] - 9600, 1 / 48000)
    assert abs(freqs[np.argmax(spectrum[:, 0])] - 440) < 5
    assert abs(freqs[np.argmax(spectrum[:, 1])] - 660) < 5
    # faststart: the index (moov) precedes the media data (mdat) so playback starts at once.
    head = path.read_bytes()
    assert head.index(b"moov") < head.index(b"mdat")


def test_abort_removes_the_partial_file(tmp_path: Path) -> None:
    path = tmp_path / "partial.mp4"
    encoder = ClipEncoder(path, 64, 64, FPS, _tone(1))
    encoder.submit(_frames(12, 64, 64))
    encoder.abort()
    encoder.abort()  # idempotent
    assert not path.exists()
    assert list(tmp_path.iterdir()) == []


def test_bad_input_is_refused_with_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(EncodeError, match="even"):
        ClipEncoder(tmp_path / "odd.mp4", 65, 64, FPS, None)
    encoder = ClipEncoder(tmp_path / "shape.mp4", 64, 64, FPS, None)
    with pytest.raises(EncodeError, match="expected"):
        encoder.submit(np.zeros((2, 32, 64, 3), np.uint8))
    encoder.abort()
    with pytest.raises(EncodeError, match="audio"):
        ClipEncoder(tmp_path / "mono.mp4", 64, 64, FPS, np.zeros(4800, np.float32))
    assert list(tmp_path.iterdir()) == []


def test_poster_is_a_jpeg_of_the_frame(tmp_path: Path) -> None:
    frame = _frames(1, 144, 256)[0]
    path = tmp_path / "poster.jpg"
    write_poster(frame, path)
    with Image.open(path) as image:
        assert image.format == "JPEG" and image.size == (144, 256)
        assert _psnr(np.asarray(image.convert("RGB")), frame) > 30
