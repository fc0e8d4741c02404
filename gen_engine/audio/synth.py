"""Small DSP building blocks shared by foley, ambience and cues. All mono float32 unless noted."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import fft as scipy_fft
from scipy import signal

# float32 throughout; typed loosely because numpy's stubs lose dtypes through scipy and ufuncs.
NOISE_LOOP = 2**18

Mono = npt.NDArray[Any]
Stereo = npt.NDArray[Any]  # (N, 2)


def shaped_noise(
    rng: np.random.Generator,
    count: int,
    sample_rate: int,
    gain_at: Callable[[npt.NDArray[np.float64]], npt.NDArray[np.float64]],
) -> Mono:
    """Noise whose spectrum magnitude follows `gain_at(frequency_hz)`, RMS normalized to 1.

    Built in the frequency domain (random phases), so any shape costs one inverse FFT. The
    result of an inverse FFT is periodic, so a bed longer than NOISE_LOOP samples repeats one
    seamless loop of that length (5.5 s at 48 kHz: far too long to hear as a pattern in noise).
    """
    if count <= 0:
        return np.zeros(0, np.float32)
    if count > NOISE_LOOP:
        return np.resize(shaped_noise(rng, NOISE_LOOP, sample_rate, gain_at), count)
    freqs = np.fft.rfftfreq(count, 1.0 / sample_rate)
    magnitude = gain_at(np.maximum(freqs, 1.0))
    magnitude[0] = 0.0
    # Complex Gaussian bins: uniformly random phases, and cheaper than exp(1j * phase).
    bins = rng.standard_normal((2, freqs.size), dtype=np.float32)
    noise = np.asarray(scipy_fft.irfft((bins[0] + 1j * bins[1]) * magnitude, n=count), np.float32)
    rms = float(np.sqrt(np.mean(noise**2)))
    return noise / np.float32(rms) if rms > 0 else noise


def pink(freqs: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    return np.asarray(1.0 / np.sqrt(freqs))


def brown(freqs: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    return np.asarray(1.0 / freqs)


def band(low: float, high: float, slope: float = 0.5) -> Callable[[Any], Any]:
    """A band shape (in log frequency) with soft edges, times a pink tilt of `slope`."""

    def gain(freqs: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        above = 1.0 / (1.0 + (low / freqs) ** 4)
        below = 1.0 / (1.0 + (freqs / high) ** 4)
        return np.asarray(above * below / freqs**slope)

    return gain


@lru_cache(maxsize=64)
def _sos(kind: str, low: float, high: float, sample_rate: int) -> Any:
    if kind == "lowpass":
        return signal.butter(2, high, btype="lowpass", fs=sample_rate, output="sos")
    if kind == "highpass":
        return signal.butter(2, low, btype="highpass", fs=sample_rate, output="sos")
    return signal.butter(2, (low, high), btype="bandpass", fs=sample_rate, output="sos")


def bandpass(x: Mono, low: float, high: float, sample_rate: int) -> Mono:
    nyquist = sample_rate / 2 * 0.95
    high = min(high, nyquist)
    low = min(max(low, 10.0), high * 0.8)
    return np.asarray(signal.sosfilt(_sos("bandpass", low, high, sample_rate), x), np.float32)


def lowpass(x: Mono, cutoff: float, sample_rate: int) -> Mono:
    cutoff = min(cutoff, sample_rate / 2 * 0.95)
    return np.asarray(signal.sosfilt(_sos("lowpass", 0.0, cutoff, sample_rate), x), np.float32)


def highpass(x: Mono, cutoff: float, sample_rate: int) -> Mono:
    return np.asarray(signal.sosfilt(_sos("highpass", cutoff, 0.0, sample_rate), x), np.float32)


def decay(count: int, seconds: float, sample_rate: int, attack: float = 0.001) -> Mono:
    """Exponential decay envelope with a short linear attack (no click at the onset)."""
    t = np.arange(count, dtype=np.float32) / sample_rate
    env = np.exp(-t / max(seconds, 1e-4))
    rise = max(1, int(attack * sample_rate))
    env[:rise] *= np.linspace(0.0, 1.0, rise, dtype=np.float32)[: min(rise, count)]
    return env.astype(np.float32)


def modes(
    freqs: list[float], decays: list[float], amps: list[float], seconds: float, sample_rate: int
) -> Mono:
    """Modal synthesis: a sum of exponentially damped sinusoids (struck solid bodies)."""
    count = max(1, int(seconds * sample_rate))
    t = np.arange(count, dtype=np.float32) / sample_rate
    out = np.zeros(count, np.float32)
    for freq, tau, amp in zip(freqs, decays, amps, strict=True):
        if freq >= sample_rate / 2:
            continue
        out += amp * np.exp(-t / tau) * np.sin(2.0 * np.pi * freq * t)
    return out


def tone(freq: Mono | float, count: int, sample_rate: int) -> Mono:
    """A sine whose frequency may vary per sample (phase-integrated, so sweeps stay smooth)."""
    inst = np.broadcast_to(np.asarray(freq, np.float32), (count,))
    phase = 2.0 * np.pi * np.cumsum(inst) / sample_rate
    return np.sin(phase).astype(np.float32)


def fade(x: Mono, seconds: float, sample_rate: int) -> Mono:
    n = min(x.shape[0] // 2, int(seconds * sample_rate))
    if n > 0:
        ramp = np.linspace(0.0, 1.0, n, dtype=np.float32)
        if x.ndim == 2:
            ramp = ramp[:, None]
        x[:n] *= ramp
        x[-n:] *= ramp[::-1]
    return x


def place(bus: Stereo, sound: Mono, start_sample: int, gain: float, pan: float) -> None:
    """Add `sound` into the stereo `bus` at `start_sample` with constant-power panning."""
    if start_sample >= bus.shape[0] or sound.size == 0:
        return
    skip = max(0, -start_sample)
    begin = max(0, start_sample)
    end = min(bus.shape[0], start_sample + sound.size)
    if end <= begin:
        return
    piece = sound[skip : skip + end - begin] * gain
    angle = (float(np.clip(pan, -1.0, 1.0)) + 1.0) * np.pi / 4.0
    bus[begin:end, 0] += piece * np.cos(angle)
    bus[begin:end, 1] += piece * np.sin(angle)
