"""Child process that speaks text with eSpeak NG through ctypes. Standard library only.

Run as `python -I -S _espeak_child.py LIBRARY DATA_DIR` with a JSON request on stdin:
    {"lines": [{"text": str, "voice": str, "rate": int, "pitch": int}, ...]}
It writes one JSON line
    {"sample_rate": int, "utterances": [{"samples": n, "words": [s...], "phonemes": [[s, ipa]...]}]}
followed by every utterance's int16 little-endian PCM, concatenated in order.

Why a process: the library keeps hidden global state between utterances (the pitch-flutter
phase, the echo buffer, the noise generator), so the same text sounds slightly different
depending on what was spoken before in the same process. A fresh process per request starts
from the same state every time, which makes speech - and the lip sync drawn from it -
deterministic, and keeps the library's global state out of the caller's threads.
"""

from __future__ import annotations

import ctypes
import json
import sys
from typing import Any

_AUDIO_OUTPUT_SYNCHRONOUS = 2
_INITIALIZE_PHONEME_EVENTS = 0x0001
_INITIALIZE_PHONEME_IPA = 0x0002
_INITIALIZE_DONT_EXIT = 0x8000
_EVENT_LIST_TERMINATED = 0
_EVENT_WORD = 1
_EVENT_PHONEME = 7
_POS_CHARACTER = 1
_CHARS_UTF8 = 1
_PARAM_RATE = 1
_PARAM_VOLUME = 2
_PARAM_PITCH = 3
_PARAM_RANGE = 4
_FALLBACK_VOICE = b"en-us"


class _EventId(ctypes.Union):
    _fields_ = [("number", ctypes.c_int), ("name", ctypes.c_char_p), ("string", ctypes.c_char * 8)]


class _Event(ctypes.Structure):
    _fields_ = [
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),
        ("length", ctypes.c_int),
        ("audio_position", ctypes.c_int),  # milliseconds from the start of the utterance
        ("sample", ctypes.c_int),
        ("user_data", ctypes.c_void_p),
        ("id", _EventId),
    ]


_CALLBACK = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_Event)
)


class _Collector:
    def __init__(self) -> None:
        self.pcm = bytearray()
        self.words: list[float] = []
        self.phonemes: list[list[Any]] = []

    def __call__(self, wav: Any, count: int, events: Any) -> int:
        if count > 0 and wav:
            self.pcm += ctypes.string_at(wav, count * 2)
        index = 0
        while events[index].type != _EVENT_LIST_TERMINATED:
            event = events[index]
            seconds = event.audio_position / 1000.0
            if event.type == _EVENT_WORD:
                self.words.append(seconds)
            elif event.type == _EVENT_PHONEME:
                raw = bytes(event.id.string).split(b"\0", 1)[0]
                self.phonemes.append([seconds, raw.decode("utf-8", "ignore")])
            index += 1
        return 0  # keep synthesizing


def main(argv: list[str]) -> int:
    library_path, data_path = argv[1], argv[2]
    request = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    lib: Any = ctypes.CDLL(library_path)
    lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
    lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
    lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
    lib.espeak_Synth.argtypes = [
        ctypes.c_void_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int,
        ctypes.c_uint, ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p,
    ]  # fmt: skip
    options = _INITIALIZE_PHONEME_EVENTS | _INITIALIZE_PHONEME_IPA | _INITIALIZE_DONT_EXIT
    sample_rate = lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, data_path.encode(), options)
    if sample_rate <= 0:
        sys.stderr.write(f"espeak_Initialize failed ({sample_rate})\n")
        return 1
    collector = _Collector()
    callback = _CALLBACK(collector)  # held in a local for as long as C may call it
    lib.espeak_SetSynthCallback(callback)
    meta: list[dict[str, Any]] = []
    audio = bytearray()
    for line in request["lines"]:
        if lib.espeak_SetVoiceByName(str(line["voice"]).encode("ascii", "ignore")) != 0:
            lib.espeak_SetVoiceByName(_FALLBACK_VOICE)
        lib.espeak_SetParameter(_PARAM_RATE, int(line["rate"]), 0)
        lib.espeak_SetParameter(_PARAM_PITCH, int(line["pitch"]), 0)
        lib.espeak_SetParameter(_PARAM_RANGE, 50, 0)
        lib.espeak_SetParameter(_PARAM_VOLUME, 100, 0)
        collector.pcm, collector.words, collector.phonemes = bytearray(), [], []
        text = str(line["text"]).encode("utf-8") + b"\0"
        buffer = ctypes.create_string_buffer(text, len(text))
        lib.espeak_Synth(buffer, len(text), 0, _POS_CHARACTER, 0, _CHARS_UTF8, None, None)
        meta.append(
            {
                "samples": len(collector.pcm) // 2,
                "words": collector.words,
                "phonemes": collector.phonemes,
            }
        )
        audio += collector.pcm
    header = json.dumps({"sample_rate": sample_rate, "utterances": meta}).encode("utf-8")
    sys.stdout.buffer.write(header + b"\n")
    sys.stdout.buffer.write(bytes(audio))
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
