from __future__ import annotations

from pathlib import Path

import pytest

from tests.cameos.media import make_clip

# The videos tests' in-memory broker: a request that commits queues a message, no engine runs.
from tests.videos.conftest import stub_broker  # noqa: F401  (a fixture, used by name)


@pytest.fixture(scope="session")
def clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Verification clips made once per test session (H.264/AAC MP4 encodes fast)."""
    folder = tmp_path_factory.mktemp("clips")
    return {
        "good": make_clip(folder / "good.mp4", fmt="mp4"),  # a genuine turn, numbers on time
        "slide": make_clip(folder / "slide.mp4", fmt="mp4", motion="slide"),  # a photo slid
        "loop": make_clip(folder / "loop.mp4", fmt="mp4", loop=True),  # a genuine half, twice
        "late": make_clip(folder / "late.mp4", fmt="mp4", audio="late"),  # numbers not on time
        "no_face": make_clip(folder / "no_face.mp4", fmt="mp4", face=False),
        "too_long": make_clip(folder / "too_long.mp4", fmt="mp4", seconds=16, fps=4),
        "silent": make_clip(folder / "silent.mp4", fmt="mp4", audio="silence"),
    }


@pytest.fixture
def challenge() -> dict:
    from cameos.verification import challenge_new

    return challenge_new()


@pytest.fixture(autouse=True)
def _fast_passwords(settings) -> None:
    """The factories set passwords; PBKDF2 at full strength would dominate this suite's time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
