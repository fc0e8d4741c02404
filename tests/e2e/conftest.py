"""Browser tests: headless Debian Chromium through pytest-playwright.

Skipped with a reason when /usr/bin/chromium is missing, unless FRAMECAST_REQUIRE_BROWSER=1
(CI), where a missing browser fails the run.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def require_chromium() -> None:
    if CHROMIUM.exists():
        return
    reason = f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    if os.environ.get("FRAMECAST_REQUIRE_BROWSER") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    require_chromium()
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [*browser_type_launch_args.get("args", []), *CHROMIUM_ARGS],
        "headless": True,
    }


ROOT = Path(__file__).resolve().parents[2]
SERVICE_VARIABLES = {
    "DATABASE_URL",
    "REDIS_URL",
    "BROKER_URL",
    "AWS_STORAGE_BUCKET_NAME",
    "FRAMECAST_ENGINE_CALLABLE",
    "DJANGO_SETTINGS_MODULE",
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run_site(var: Path, setup: Sequence[Sequence[str]] = ()) -> Iterator[str]:
    """The site as `make run` serves it: daphne with the ASGI app (HTTP + websockets), SQLite in
    `var`, the in-process worker, the real engine. `setup` are extra manage.py commands run after
    migrate. Yields the base URL; stops the server afterwards."""
    require_chromium()
    env = {key: value for key, value in os.environ.items() if key not in SERVICE_VARIABLES}
    env.update(
        {
            "FRAMECAST_VAR_DIR": str(var),
            "FRAMECAST_MEDIA_ROOT": str(var / "media"),
            "DJANGO_DEBUG": "1",  # whitenoise serves static files from the finders
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "ACCOUNT_EMAIL_VERIFICATION": "optional",
        }
    )
    python = sys.executable
    for command in (["migrate", "--noinput", "-v", "0"], *setup):
        subprocess.run([python, "manage.py", *command], cwd=ROOT, env=env, check=True)
    port = _free_port()
    log = (var / "daphne.log").open("w")
    daphne = str(Path(python).with_name("daphne"))
    process = subprocess.Popen(
        [daphne, "-b", "127.0.0.1", "-p", str(port), "sora_site.asgi:application"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("daphne did not start:\n" + (var / "daphne.log").read_text())
                time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
