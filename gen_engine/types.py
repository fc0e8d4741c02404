"""The engine's contract: frozen dataclasses that cross the package boundary.

Nothing here imports Django or the apps; the `videos` app maps its models to and from these.
Plans serialise to plain JSON-able dicts (`to_dict` / `from_dict`) so the site can store a plan
and hand it back for a remix.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np

Aspect = Literal["9:16", "16:9", "1:1"]
ASPECTS: tuple[str, ...] = ("9:16", "16:9", "1:1")
DURATIONS: tuple[int, ...] = (5, 10, 15, 20)
RESOLUTIONS: tuple[int, ...] = (480, 720, 1080)
MAX_PROMPT_CHARS = 2000


class GenerationError(Exception):
    """A failure the user can read. `code` is stable and machine-readable."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class GenerationCancelled(Exception):
    """Raised when `should_cancel` returned True; no partial files are left behind."""


@dataclass(frozen=True)
class CameoRef:
    """A likeness the owner allowed into this video."""

    id: str
    display_name: str
    face_image: str | None = None  # path to a reference face image (PNG/JPEG), or None
    voice_preset: str = "en-us"
    appearance_notes: str = ""
    kind: Literal["person", "character"] = "person"


@dataclass(frozen=True)
class Subject:
    """One thing in the scene. `id` is stable across a remix so edits can target it."""

    id: str
    kind: str  # vocabulary noun: person, dog, cat, ball, box, board, car, ...
    category: Literal["character", "object", "vehicle"]
    color: tuple[int, int, int]  # sRGB 0-255
    color_name: str
    size: float  # height (characters) or diameter/edge (objects) in metres
    action: str  # vocabulary verb: walk, run, jump, flip, fall, roll, bounce, throw, dance, ...
    material: str = "rubber"  # drives restitution, friction and foley timbre
    name: str = ""  # display name; speakers in dialogue refer to subjects by id
    voice: str = "en-us"  # eSpeak NG voice name
    cameo_id: str | None = None
    # Parametric figure (gen_engine.catalogue.FIGURES, or quadruped/flyer/swimmer/biped/car/
    # bike/boat) for catalogue kinds and plain shapes; "" for the hand-built kinds (person, dog).
    form: str = ""


@dataclass(frozen=True)
class Fixture:
    """Static scene geometry bodies collide with: stairs, a desk, a shelf, a hoop, a rug."""

    name: str  # catalogue fixture name ("stairs", "desk")
    shape: str  # stairs, table, counter, shelf, ramp, wall, rug, trampoline, hoop, goal, bench
    material: str
    color: tuple[int, int, int]
    color_name: str


@dataclass(frozen=True)
class NotDrawn:
    """A noun of the prompt the clip does not show as written, and why, in plain words."""

    phrase: str
    reason: str


@dataclass(frozen=True)
class DialogueLine:
    speaker: str  # Subject.id
    text: str


@dataclass(frozen=True)
class ScenePlan:
    """What the director understood. Deterministic for a given prompt, seed and parent plan."""

    prompt: str
    seed: int
    subjects: tuple[Subject, ...]
    setting: str  # beach, city street, forest, kitchen, studio, space, snow, ...
    time_of_day: str  # day, dawn, sunset, night
    weather: str  # clear, rain, snow, fog, wind
    style: str  # cinematic, anime, claymation, watercolor, neon, noir, ...
    camera: str  # static, pan, tilt, dolly in, dolly out, orbit, handheld, slow motion
    dialogue: tuple[DialogueLine, ...] = ()
    sound_cues: tuple[str, ...] = ()
    unrecognized: tuple[str, ...] = ()  # words/phrases the director could not place
    edit_prompt: str = ""  # set on a remix: the edit that produced this plan from its parent
    fixtures: tuple[Fixture, ...] = ()
    not_drawn: tuple[NotDrawn, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ScenePlan:
        subjects = tuple(
            Subject(**{**s, "color": tuple(s["color"])}) for s in data.get("subjects", ())
        )
        dialogue = tuple(DialogueLine(**d) for d in data.get("dialogue", ()))
        return cls(
            prompt=data["prompt"],
            seed=int(data["seed"]),
            subjects=subjects,
            setting=data["setting"],
            time_of_day=data["time_of_day"],
            weather=data["weather"],
            style=data["style"],
            camera=data["camera"],
            dialogue=dialogue,
            sound_cues=tuple(data.get("sound_cues", ())),
            unrecognized=tuple(data.get("unrecognized", ())),
            edit_prompt=data.get("edit_prompt", ""),
            fixtures=tuple(
                Fixture(**{**f, "color": tuple(f["color"])}) for f in data.get("fixtures", ())
            ),
            not_drawn=tuple(NotDrawn(**n) for n in data.get("not_drawn", ())),
        )


@dataclass(frozen=True)
class RemixOf:
    parent_plan: ScenePlan
    edit_prompt: str
    parent_video_path: str | None = None  # the parent's signed MP4, for the C2PA ingredient
    parent_video_id: str | None = None


Quality = Literal["final", "draft"]
DiffusionMode = Literal["auto", "text", "video", "image"]  # "reference" is chosen, not asked
MemoryStrategy = Literal["auto", "resident", "fp8", "model_offload", "group_offload"]
AudioChoice = Literal["model", "engine", "mix"]


@dataclass(frozen=True)
class DiffusionSettings:
    """How the `diffusers` backend runs: set by the operator (the site's settings), not by users.

    mode "auto" refines the physics render (video-to-video, so motion and sound stay in sync with
    the simulated events), or starts from the cameo's face where the checkpoint only does
    image-to-video. `strength` is how far the model may move away from the render (0..1).
    `steps`/`guidance` of None take the family's defaults. `working_size` and `window_frames`
    override the family's published size and clip length (tests use tiny values). `audio` says
    whose sound a family that makes its own (LTX-2) puts in the file: the model's ("model"),
    the default engine's ("engine"), or the model's with the engine's foley and ambience
    ("mix"); silent families always get the engine's. `ic_lora` is an LTX-2 IC-LoRA (a LoRA
    file or folder the operator supplies): physics-guided clips then pass the render as the
    LoRA's in-context reference instead of as a frame condition.
    """

    model_dir: str
    mode: DiffusionMode = "auto"
    quality: Quality = "final"
    strength: float = 0.7
    steps: int | None = None
    guidance: float | None = None
    memory: MemoryStrategy = "auto"
    compile: bool = False
    device: str = "auto"  # "auto": CUDA when present, else CPU
    working_size: tuple[int, int] | None = None  # (width, height)
    window_frames: int | None = None
    audio: AudioChoice = "model"
    ic_lora: str = ""


@dataclass(frozen=True)
class GenerationSpec:
    prompt: str
    duration: int = 10
    aspect: str = "9:16"
    resolution: int = 720  # the short side
    fps: int = 24
    seed: int = 0
    style: str | None = None  # overrides the director's choice
    camera: str | None = None  # overrides the director's choice
    cameos: tuple[CameoRef, ...] = ()
    remix_of: RemixOf | None = None
    creator_handle: str = ""
    video_id: str = ""  # the site's public id, named in the C2PA manifest
    watermark_id: int = 0  # 48-bit number carried by the invisible watermark (0..2**48-1)
    backend: str = "default"  # "default" (runs anywhere) or "diffusers" (a local checkpoint)
    diffusion: DiffusionSettings | None = None  # required when backend == "diffusers"

    @property
    def size(self) -> tuple[int, int]:
        """(width, height), both even, from the aspect and the short side."""
        short = self.resolution
        if self.aspect == "9:16":
            return short, _even(short * 16 / 9)
        if self.aspect == "16:9":
            return _even(short * 16 / 9), short
        return short, short

    @property
    def frame_count(self) -> int:
        return self.duration * self.fps


def _even(value: float) -> int:
    return round(value / 2) * 2


@dataclass(frozen=True)
class Progress:
    stage: str  # director, speech, physics, render, audio, provenance, encode, done
    fraction: float  # 0..1 over the whole generation
    message: str = ""


@dataclass(frozen=True)
class Event:
    """Something that happens at a moment: what the picture shows and the sound plays.

    `frame` is the frame on which it is drawn; `time` is its exact instant in seconds, so the
    audio can place its onset on the exact sample.
    """

    kind: str  # impact, footstep, splash, speech, whoosh, land
    time: float
    frame: int
    subject: str  # Subject.id
    speed: float = 0.0  # m/s at contact, drives loudness
    material: str = "rubber"
    other: str = "ground"  # what it hit
    pan: float = 0.0  # -1 (left) .. 1 (right), from the on-screen x position
    duration: float = 0.0  # for speech: length in seconds
    text: str = ""  # for speech


@dataclass(frozen=True, eq=False)
class BodyTrack:
    """Per-frame state of one subject in world metres (y up, ground at y = 0)."""

    subject_id: str
    position: np.ndarray  # (F, 2) centre of the body
    angle: np.ndarray  # (F,) radians
    joints: np.ndarray | None = None  # (F, J, 2) articulated characters: see physics.SKELETON
    mouth_open: np.ndarray | None = None  # (F,) 0..1, driven by speech


@dataclass(frozen=True)
class Framing:
    """Where the camera rests: its zoom over the neutral frame (1: about four metres across)
    and the world point at the centre column and top row of the frame, in metres."""

    zoom: float = 1.0
    centre_x: float = 0.0
    top: float = 0.0

    def pixels_per_metre(self, world_width: float, width_px: int) -> float:
        return width_px / world_width * self.zoom

    def to_pixel(
        self, x: float, y: float, world_width: float, size: tuple[int, int]
    ) -> tuple[float, float]:
        """Where world (x, y) lands in a (width, height) frame of the resting camera."""
        ppm = self.pixels_per_metre(world_width, size[0])
        return size[0] / 2 + (x - self.centre_x) * ppm, (self.top - y) * ppm


@dataclass(frozen=True, eq=False)
class Simulation:
    fps: int
    frame_count: int
    world_width: float  # metres visible across the frame at the neutral camera
    tracks: tuple[BodyTrack, ...]
    events: tuple[Event, ...]


@dataclass(frozen=True, eq=False)
class SpokenLine:
    """A line of dialogue as synthesised, placed on the clip's timeline."""

    speaker: str  # Subject.id
    text: str
    start: float  # seconds into the clip
    duration: float
    samples: np.ndarray  # float32 mono, -1..1
    sample_rate: int
    mouth: np.ndarray  # openness 0..1 sampled at MOUTH_RATE Hz from `start`


MOUTH_RATE = 100


@dataclass(frozen=True)
class Result:
    video_path: str
    poster_path: str
    plan: ScenePlan
    events: tuple[Event, ...]
    timings: dict[str, float] = field(default_factory=dict)  # stage -> seconds
    width: int = 0
    height: int = 0
    duration: float = 0.0
    provenance: dict[str, Any] = field(default_factory=dict)
    framing: Framing | None = None  # where the physics render's camera rests
    # Where the MP4's sound came from: "engine" (the default engine's foley, ambience and eSpeak
    # dialogue), "model" (a joint audio-video model's own track) or "mix" (the model's track
    # with the engine's foley and ambience). `audio_model` names the model when one made sound.
    audio_source: str = "engine"
    audio_model: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "video_path": self.video_path,
            "poster_path": self.poster_path,
            "plan": self.plan.to_dict(),
            "events": [asdict(e) for e in self.events],
            "timings": dict(self.timings),
            "width": self.width,
            "height": self.height,
            "duration": self.duration,
            "provenance": dict(self.provenance),
            "framing": asdict(self.framing) if self.framing is not None else None,
            "audio_source": self.audio_source,
            "audio_model": self.audio_model,
        }


ProgressCallback = Callable[[Progress], None]
CancelCheck = Callable[[], bool]
