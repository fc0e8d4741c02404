"""Run the worker node so that one dead process costs only its own job: `make worker`.

    python -m sora_site.supervise --processes 2 --threads 1 [-- more dramatiq arguments]

Dramatiq's own master shuts every process down when one of them exits unexpectedly (a SIGKILL,
the OOM killer), and the node then stops serving. So this supervisor runs each worker process
as its own one-process `dramatiq sora_site.worker` node (a "slot") and restarts a slot that
exits, with backoff (1 s doubling to 30 s while it keeps dying within a minute), leaving the
others alone. Each start gets a fresh instance token (FRAMECAST_WORKER_INSTANCE, the tail of
its job lease ids); a restart passes the dead one's token on, and the new process puts that
process's running jobs back at once (sora_site/worker.py) instead of after the heartbeat lease.

Prefetch: a process holds no message it cannot run now (`dramatiq_queue_prefetch` = threads),
so a killed process strands none. A slot that cannot import its code (dramatiq exit code 2) is
a configuration error: the supervisor stops and exits with it. SIGTERM / SIGINT stop every slot
gracefully (running jobs finish), as they do for dramatiq itself.

It imports nothing of Django: it is a process manager, not a worker.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from types import FrameType

logger = logging.getLogger("sora_site.supervise")

RET_IMPORT = 2  # dramatiq's exit code when the worker module cannot be imported
BACKOFF_FIRST = 1.0
BACKOFF_MAX = 30.0
STABLE_SECONDS = 60.0


@dataclass
class Slot:
    index: int
    process: subprocess.Popen[bytes] | None = None
    instance: str = ""
    started: float = 0.0
    backoff: float = BACKOFF_FIRST
    restart_at: float | None = None
    previous_instance: str = ""
    restarts: int = 0


def slot_command(threads: int, extra: Sequence[str]) -> list[str]:
    return [
        sys.executable,
        "-m",
        "dramatiq",
        "sora_site.worker",
        "--processes",
        "1",
        "--threads",
        str(threads),
        *extra,
    ]


def slot_env(base: dict[str, str], *, threads: int, instance: str, previous: str) -> dict[str, str]:
    env = dict(base)
    env.setdefault("dramatiq_queue_prefetch", str(threads))
    env["FRAMECAST_WORKER_INSTANCE"] = instance
    if previous:
        env["FRAMECAST_WORKER_PREVIOUS_INSTANCE"] = previous
    else:
        env.pop("FRAMECAST_WORKER_PREVIOUS_INSTANCE", None)
    return env


def next_backoff(current: float, ran_for: float) -> float:
    """Back to the first step after a stable run; doubling while it keeps dying quickly."""
    if ran_for >= STABLE_SECONDS:
        return BACKOFF_FIRST
    return min(BACKOFF_MAX, current * 2)


class Supervisor:
    def __init__(self, *, processes: int, threads: int, extra: Sequence[str]) -> None:
        self.threads = threads
        self.extra = list(extra)
        self.slots = [Slot(index) for index in range(processes)]
        self.stopping = False
        self.exit_code = 0

    def _start(self, slot: Slot) -> None:
        slot.instance = secrets.token_hex(8)
        env = slot_env(
            dict(os.environ),
            threads=self.threads,
            instance=slot.instance,
            previous=slot.previous_instance,
        )
        # Its own process group, so a slot's leftovers can be killed without touching others.
        slot.process = subprocess.Popen(  # noqa: S603 - our own interpreter and dramatiq's CLI
            slot_command(self.threads, self.extra), env=env, start_new_session=True
        )
        slot.started = time.monotonic()
        slot.restart_at = None
        logger.info(
            "worker slot %s started (pid %s, instance %s)",
            slot.index,
            slot.process.pid,
            slot.instance,
        )

    def _reap(self, slot: Slot, code: int) -> None:
        assert slot.process is not None
        # A master that died may leave its worker process behind.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(slot.process.pid, signal.SIGKILL)
        ran_for = time.monotonic() - slot.started
        slot.process = None
        if self.stopping:
            return
        if code == RET_IMPORT:
            logger.critical("worker slot %s cannot import its code; stopping", slot.index)
            self.exit_code = code
            self.stop()
            return
        slot.backoff = next_backoff(slot.backoff, ran_for) if slot.restarts else BACKOFF_FIRST
        slot.previous_instance = slot.instance
        slot.restart_at = time.monotonic() + slot.backoff
        slot.restarts += 1
        logger.warning(
            "worker slot %s exited (code %s) after %.1f s; restarting in %.1f s",
            slot.index,
            code,
            ran_for,
            slot.backoff,
        )

    def stop(self, *_: object) -> None:
        self.stopping = True
        for slot in self.slots:
            if slot.process is not None and slot.process.poll() is None:
                slot.process.send_signal(signal.SIGTERM)

    def run(self) -> int:
        for slot in self.slots:
            self._start(slot)
        while True:
            now = time.monotonic()
            for slot in self.slots:
                if slot.process is not None:
                    code = slot.process.poll()
                    if code is not None:
                        self._reap(slot, code)
                elif not self.stopping and slot.restart_at is not None and now >= slot.restart_at:
                    self._start(slot)
            if self.stopping and all(slot.process is None for slot in self.slots):
                return self.exit_code
            time.sleep(0.2)


def _handle(supervisor: Supervisor) -> None:
    def on_signal(signum: int, frame: FrameType | None) -> None:
        logger.info("supervisor got signal %s; stopping the worker slots", signum)
        supervisor.stop()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sora_site.supervise", description=__doc__)
    parser.add_argument("--processes", type=int, default=2, help="worker processes (slots)")
    parser.add_argument("--threads", type=int, default=1, help="threads per process")
    parser.add_argument("extra", nargs=argparse.REMAINDER, help="-- then dramatiq arguments")
    args = parser.parse_args(argv)
    extra = args.extra[1:] if args.extra[:1] == ["--"] else args.extra
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    supervisor = Supervisor(
        processes=max(1, args.processes), threads=max(1, args.threads), extra=extra
    )
    _handle(supervisor)
    return supervisor.run()


if __name__ == "__main__":
    sys.exit(main())
