"""What is said in a finished MP4's sound track, for the site's output check.

The default engine speaks only the plan's dialogue lines (eSpeak NG), so checking those lines as
text checks everything a viewer hears. A joint audio-video model (LTX-2) writes its own speech,
which nothing in the plan describes, so the site transcribes the file itself: a Whisper
checkpoint in Hugging Face transformers format, from a folder the operator provides
(GEN_ENGINE_ASR_DIR on the site), loaded once per process and device.

    transcript = transcribe("video.mp4", "/models/whisper-small")
    transcript.text  # what Whisper heard, the windows joined by spaces

The sound is decoded with PyAV, resampled to 16 kHz mono (what Whisper was trained on) and cut
into 30 s windows (its encoder takes exactly 30 s of log-mel frames), transcribed a few windows
a batch. Nothing is ever downloaded: `from_pretrained` runs with `local_files_only=True`.
`build_tiny_whisper` writes a tiny random-weight checkpoint offline for tests: its text is
nonsense, but it goes through the same loader, feature extractor, `generate` and tokenizer.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from gen_engine.types import GenerationError

if TYPE_CHECKING:
    from numpy.typing import NDArray

logger = logging.getLogger(__name__)

SAMPLE_RATE = 16_000
WINDOW_SECONDS = 30
# Far longer than any clip the site makes (and than Whisper's own long-form use at this cost):
# a sound track past it is refused rather than half heard, so the caller can hold it for review.
MAX_SECONDS = 600.0
# Windows transcribed together: one batch covers a two-minute clip, and the memory of a batch
# of large-v3 in fp16 stays well under a gigabyte next to a resident video model.
BATCH_WINDOWS = 4


@dataclass(frozen=True)
class Transcript:
    """What was heard: the text (empty for no sound track or no speech), the seconds of sound
    decoded, and the checkpoint's folder name."""

    text: str
    seconds: float
    model: str


@dataclass(frozen=True)
class Recognizer:
    """A loaded checkpoint: Whisper's model and processor, where they run, and the folder's name."""

    model: Any
    processor: Any
    device: str
    dtype: Any
    name: str
    # One generate at a time per model: worker threads share it, and HF's generate keeps
    # per-call state on the model (caches, generation config) that concurrent calls would mix.
    lock: threading.Lock = field(default_factory=threading.Lock, compare=False)


_cache: dict[tuple[str, str], Recognizer] = {}
_cache_lock = threading.Lock()


def _pick_device(device: str | None) -> str:
    import torch

    if device in (None, "", "auto"):
        return "cuda" if torch.cuda.is_available() else "cpu"
    assert device is not None
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise GenerationError(
            "asr_device_unavailable",
            f"Speech recognition was asked to run on {device}, but torch sees no CUDA device.",
        )
    return device


def _check_folder(folder: Path) -> None:
    if not folder.is_dir():
        raise GenerationError(
            "asr_checkpoint_missing",
            f"The speech-recognition folder {folder} does not exist. Download a Whisper "
            "checkpoint in transformers format (for example openai/whisper-small) and point "
            "GEN_ENGINE_ASR_DIR at it.",
        )
    config = folder / "config.json"
    if not config.is_file():
        raise GenerationError(
            "asr_checkpoint_invalid",
            f"{folder} has no config.json; it is not a transformers-format checkpoint.",
        )
    try:
        data = json.loads(config.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise GenerationError(
            "asr_checkpoint_invalid", f"{config} could not be read as JSON: {error}"
        ) from error
    model_type = data.get("model_type") if isinstance(data, dict) else None
    if model_type != "whisper":
        raise GenerationError(
            "asr_checkpoint_unsupported",
            f"{folder} holds a {model_type or 'unknown'} checkpoint; speech recognition needs a "
            "Whisper checkpoint (model_type whisper).",
        )


def load_recognizer(model_dir: str | Path, device: str | None = None) -> Recognizer:
    """The Whisper model and processor in `model_dir`, loaded once per process and device.

    Raises GenerationError (asr_checkpoint_missing / _invalid / _unsupported) saying why a
    folder cannot be used; a failed load is not cached, so a fixed folder loads on the next call.
    """
    folder = Path(model_dir).expanduser().resolve()
    chosen = _pick_device(device)
    key = (str(folder), chosen)
    cached = _cache.get(key)
    if cached is not None:
        return cached
    with _cache_lock:
        cached = _cache.get(key)
        if cached is not None:
            return cached
        _check_folder(folder)
        recognizer = _load(folder, chosen)
        _cache[key] = recognizer
        return recognizer


def _load(folder: Path, device: str) -> Recognizer:
    import torch
    from transformers import WhisperForConditionalGeneration, WhisperProcessor

    started = time.perf_counter()
    # Half precision on a GPU: Whisper was released in fp16 and transcribes the same in it.
    dtype = torch.float16 if device.startswith("cuda") else torch.float32
    try:
        processor = WhisperProcessor.from_pretrained(str(folder), local_files_only=True)
        model = WhisperForConditionalGeneration.from_pretrained(
            str(folder), local_files_only=True, dtype=dtype
        )
    except Exception as error:  # any loader failure is the folder's fault: say which file
        raise GenerationError(
            "asr_checkpoint_invalid",
            f"The Whisper checkpoint in {folder} could not be loaded: "
            f"{type(error).__name__}: {error}",
        ) from error
    model = model.to(device).eval()
    logger.info(
        "gen_engine.transcribe.loaded",
        extra={
            "folder": str(folder),
            "device": device,
            "seconds": round(time.perf_counter() - started, 3),
        },
    )
    return Recognizer(
        model=model, processor=processor, device=device, dtype=dtype, name=folder.name
    )


def clear_cache() -> None:
    """Forget every loaded recognizer (tests; an operator swapping checkpoints in a shell)."""
    with _cache_lock:
        _cache.clear()


def decode_audio(video_path: str | Path) -> NDArray[np.float32]:
    """The first audio stream of `video_path` as 16 kHz mono float32 samples (the mean of its
    channels); an empty array when the file has no audio stream. Raises GenerationError when
    the file cannot be decoded (audio_unreadable) or its sound runs past MAX_SECONDS
    (audio_too_long)."""
    import av

    pieces: list[NDArray[np.float32]] = []
    count = 0
    limit = int(MAX_SECONDS * SAMPLE_RATE)

    def keep(frames: list[Any]) -> None:
        nonlocal count
        for out in frames:
            # Planar (channels, n): the mean of the channels, as Whisper's own loader mixes
            # down. swresample's "mono" would add them at -3 dB, 1.4x louder than either.
            samples = np.asarray(out.to_ndarray(), dtype=np.float32).mean(axis=0)
            pieces.append(samples)
            count += samples.size
        if count > limit:
            raise GenerationError(
                "audio_too_long",
                f"The sound track is longer than {MAX_SECONDS:.0f} s, too long to transcribe.",
            )

    try:
        with av.open(str(video_path)) as container:
            if not container.streams.audio:
                return np.zeros(0, dtype=np.float32)
            stream = container.streams.audio[0]
            resampler = av.AudioResampler(format="fltp", rate=SAMPLE_RATE)
            for frame in container.decode(stream):
                keep(resampler.resample(frame))
            keep(resampler.resample(None))  # what the resampler still holds
    except av.error.FFmpegError as error:
        raise GenerationError(
            "audio_unreadable", f"The sound track of {Path(video_path).name} could not be decoded."
        ) from error
    if not pieces:
        return np.zeros(0, dtype=np.float32)
    return np.concatenate(pieces)


def _windows(samples: NDArray[np.float32]) -> Iterator[list[NDArray[np.float32]]]:
    """Batches of up to BATCH_WINDOWS consecutive 30 s windows (the last one shorter)."""
    size = WINDOW_SECONDS * SAMPLE_RATE
    windows = [samples[start : start + size] for start in range(0, samples.size, size)]
    for first in range(0, len(windows), BATCH_WINDOWS):
        yield windows[first : first + BATCH_WINDOWS]


def transcribe(
    video_path: str | Path, model_dir: str | Path, *, device: str | None = None
) -> Transcript:
    """What is said in the sound track of `video_path`, heard by the Whisper checkpoint in
    `model_dir` (see `load_recognizer`; device None picks CUDA when present).

    A file without an audio stream gives an empty transcript. Only GenerationError leaves here:
    a model that fails while transcribing is reported as asr_failure with the cause chained.
    """
    recognizer = load_recognizer(model_dir, device)
    started = time.perf_counter()
    samples = decode_audio(video_path)
    seconds = round(samples.size / SAMPLE_RATE, 3)
    if samples.size == 0:
        return Transcript(text="", seconds=0.0, model=recognizer.name)
    try:
        texts = [text for batch in _windows(samples) for text in _run(recognizer, batch)]
    except GenerationError:
        raise
    except Exception as error:
        raise GenerationError(
            "asr_failure",
            f"Speech recognition failed: {type(error).__name__}: {error}",
        ) from error
    text = " ".join(t for t in texts if t)
    logger.info(
        "gen_engine.transcribe.done",
        extra={
            "model": recognizer.name,
            "audio_seconds": seconds,
            "chars": len(text),
            "seconds": round(time.perf_counter() - started, 3),
        },
    )
    return Transcript(text=text, seconds=seconds, model=recognizer.name)


def _run(recognizer: Recognizer, batch: list[NDArray[np.float32]]) -> list[str]:
    import torch

    features = recognizer.processor.feature_extractor(
        batch, sampling_rate=SAMPLE_RATE, return_tensors="pt", return_attention_mask=True
    )
    inputs = features.input_features.to(recognizer.device, dtype=recognizer.dtype)
    mask = features.attention_mask.to(recognizer.device)
    options: dict[str, Any] = {}
    # English-only checkpoints (whisper-*.en) refuse a task; multilingual ones are told to
    # transcribe, not translate, and detect each window's language themselves.
    if getattr(recognizer.model.generation_config, "is_multilingual", False):
        options["task"] = "transcribe"
    with recognizer.lock, torch.inference_mode():
        ids = recognizer.model.generate(inputs, attention_mask=mask, **options)
    sequences = ids.sequences if hasattr(ids, "sequences") else ids
    decoded = recognizer.processor.tokenizer.batch_decode(sequences, skip_special_tokens=True)
    return [str(text).strip() for text in decoded]


# --- A tiny random-weight checkpoint, for tests ---------------------------------------------

_CORPUS = (
    "hello there, how are you today?",
    "the red ball bounces down the stairs.",
    "look at the dog running in the snow!",
    "we are going to the beach at sunset.",
)
# Whisper's special tokens, in Whisper's order and after the text vocabulary as in the real
# checkpoints: its generate treats every id past <|notimestamps|> as a timestamp, so a text
# token there would be read as one. This tiny vocabulary has no timestamp tokens at all.
_SPECIAL = (
    "<|endoftext|>",
    "<|startoftranscript|>",
    "<|en|>",
    "<|translate|>",
    "<|transcribe|>",
    "<|startoflm|>",
    "<|startofprev|>",
    "<|nospeech|>",
    "<|notimestamps|>",
)
TINY_MAX_TOKENS = 48  # bounds what the tiny model can say in one window


def build_tiny_whisper(folder: str | Path, seed: int = 0) -> Path:
    """Write a tiny random-weight Whisper checkpoint (model, feature extractor, byte-level BPE
    tokenizer trained here, generation config) into `folder`, offline; return the folder."""
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import (
        GenerationConfig,
        WhisperConfig,
        WhisperFeatureExtractor,
        WhisperForConditionalGeneration,
        WhisperProcessor,
        WhisperTokenizerFast,
    )

    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    # Byte-level BPE as Whisper's own (GPT-2 style): any bytes the model emits decode.
    raw = Tokenizer(models.BPE())
    raw.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    raw.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=320, initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False
    )
    raw.train_from_iterator(_CORPUS, trainer=trainer)
    raw.add_special_tokens(list(_SPECIAL))  # appended: ids after the text vocabulary
    eot = "<|endoftext|>"
    tokenizer = WhisperTokenizerFast(
        tokenizer_object=raw,
        unk_token=eot,
        bos_token=eot,
        eos_token=eot,
        pad_token=eot,
        model_max_length=TINY_MAX_TOKENS,
    )
    ids = {token: int(tokenizer.convert_tokens_to_ids(token)) for token in _SPECIAL}
    config = WhisperConfig(
        vocab_size=len(tokenizer),
        num_mel_bins=80,
        d_model=16,
        encoder_layers=1,
        encoder_attention_heads=2,
        decoder_layers=1,
        decoder_attention_heads=2,
        encoder_ffn_dim=32,
        decoder_ffn_dim=32,
        # 1500 encoder positions is what 30 s of 10 ms frames (3000) make after the stride-2
        # convolution: the encoder refuses any other input length.
        max_source_positions=1500,
        max_target_positions=TINY_MAX_TOKENS,
        pad_token_id=ids[eot],
        bos_token_id=ids[eot],
        eos_token_id=ids[eot],
        decoder_start_token_id=ids["<|startoftranscript|>"],
    )
    torch.manual_seed(seed)
    model = WhisperForConditionalGeneration(config).eval()
    model.generation_config = GenerationConfig(
        decoder_start_token_id=ids["<|startoftranscript|>"],
        bos_token_id=ids[eot],
        eos_token_id=ids[eot],
        pad_token_id=ids[eot],
        max_length=TINY_MAX_TOKENS,
        is_multilingual=True,
        lang_to_id={"<|en|>": ids["<|en|>"]},
        task_to_id={"transcribe": ids["<|transcribe|>"], "translate": ids["<|translate|>"]},
        no_timestamps_token_id=ids["<|notimestamps|>"],
        suppress_tokens=[],
        begin_suppress_tokens=[ids[eot]],
    )
    processor = WhisperProcessor(
        feature_extractor=WhisperFeatureExtractor(feature_size=80), tokenizer=tokenizer
    )
    model.save_pretrained(str(target))
    processor.save_pretrained(str(target))
    return target
