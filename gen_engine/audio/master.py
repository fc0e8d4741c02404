"""Loudness normalization (ITU-R BS.1770 via pyloudnorm) and a true-peak-safe limiter."""

from __future__ import annotations

import warnings

import numpy as np
import pyloudnorm
from scipy import ndimage, signal

from gen_engine.audio.synth import Stereo

TARGET_LUFS = -16.0
TRUE_PEAK_CEILING_DB = -1.5  # under the -1 dBTP delivery limit, leaving room for AAC overshoot
LIMITER_CEILING_DB = -2.0  # sample-peak ceiling; true peaks between samples sit a little higher
LOOKAHEAD_SECONDS = 0.02
TRANSIENT_LOOKAHEAD_SECONDS = 0.0015
MAX_PASSES = 6


def integrated_loudness(mix: Stereo, sample_rate: int) -> float:
    """Integrated loudness in LUFS; -inf for silence. Clips shorter than one 400 ms gating block
    are measured looped (a repeated sound has the loudness of the sound)."""
    block = int(0.4 * sample_rate) + 1
    if 0 < mix.shape[0] < block:
        mix = np.tile(mix, (block // mix.shape[0] + 1, 1))
    if mix.shape[0] == 0:
        return float("-inf")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pyloudnorm warns on clipping-range input; we limit later
        return float(pyloudnorm.Meter(sample_rate).integrated_loudness(mix.astype(np.float64)))


def true_peak(mix: Stereo) -> float:
    """Linear true peak estimated with 4x oversampling (as BS.1770-4 Annex 2 does)."""
    if mix.size == 0:
        return 0.0
    oversampled = signal.resample_poly(mix, 4, 1, axis=0)
    return float(np.max(np.abs(oversampled)))


def limit(
    mix: Stereo,
    sample_rate: int,
    ceiling_db: float = LIMITER_CEILING_DB,
    lookahead: float = LOOKAHEAD_SECONDS,
) -> Stereo:
    """Look-ahead peak limiter, vectorized: the gain needed at each sample is spread with a
    running minimum over +-2 windows and then smoothed with a running mean over +-1 window, so the
    smoothed gain is never above what any sample nearby needs (no overshoot) and has no steps."""
    ceiling = 10.0 ** (ceiling_db / 20.0)
    peak = np.max(np.abs(mix), axis=1)
    if peak.size == 0 or float(peak.max()) <= ceiling:
        return mix
    needed = np.minimum(1.0, ceiling / np.maximum(peak, 1e-12))
    half = max(1, int(lookahead * sample_rate))
    spread = ndimage.minimum_filter1d(needed, size=4 * half + 1, mode="nearest")
    smooth = ndimage.uniform_filter1d(spread, size=2 * half + 1, mode="nearest")
    gain = np.minimum(smooth, needed)  # float rounding guard
    return np.asarray(mix * gain[:, None], np.float32)


def master(mix: Stereo, sample_rate: int, target_lufs: float = TARGET_LUFS) -> Stereo:
    """Bring `mix` to `target_lufs` integrated with true peaks at or under TRUE_PEAK_CEILING_DB."""
    source = mix.astype(np.float32)
    out = source
    gain_db = 0.0
    # Limiting a peaky mix (three balls landing at once) lowers its loudness, so the gain in
    # front of the limiter is raised until the limited result measures on target.
    for _ in range(MAX_PASSES):
        loudness = integrated_loudness(out, sample_rate)
        if not np.isfinite(loudness) or abs(loudness - target_lufs) < 0.3:
            break
        gain_db += target_lufs - loudness
        out = _two_stage_limit(source * np.float32(10.0 ** (gain_db / 20.0)), sample_rate)
    ceiling = 10.0 ** (TRUE_PEAK_CEILING_DB / 20.0)
    peak = true_peak(out)
    if peak > ceiling:
        out = out * np.float32(ceiling / peak)
    return np.clip(out, -1.0, 1.0).astype(np.float32)


def _two_stage_limit(mix: Stereo, sample_rate: int) -> Stereo:
    """A fast stage shaves the first milliseconds of hard hits (a few dB, heard as punch) so
    the slow, clean stage does not have to duck whole thuds and the loudness they carry."""
    shaved = limit(mix, sample_rate, LIMITER_CEILING_DB + 2.0, TRANSIENT_LOOKAHEAD_SECONDS)
    return limit(shaved, sample_rate)
