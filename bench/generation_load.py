"""Load test of generation through the whole site: HTTP -> services -> Redis -> workers -> DB ->
channel layer -> websocket.

    .venv/bin/python bench/generation_load.py [--users 20] [--jobs-per-user 1] [--workers 2]
        [--engine fake|real] [--engine-seconds 1.0] [--redis-url redis://127.0.0.1:6379/8]
        [--database-url postgres://...] [--update-doc docs/PERFORMANCE.md]

Starts one daphne process (the ASGI app) and `--workers` Dramatiq worker processes on Redis,
against a fresh SQLite file (or --database-url). Each simulated person holds a websocket open on
/ws/jobs/ with their session, GETs /create/ and POSTs a prompt, at the same moment as all the
others. Measured per job, from the POST's response: the first event on the person's websocket
(the "queued" state, sent at commit), the first "running" event, and "succeeded". At the end the
database says whether every job finished exactly once ("lost" and "duplicated" must be 0).

`--engine fake` (default) uses the test suite's stand-in engine (tests/videos/fake_engine.py,
through the documented FRAMECAST_ENGINE_CALLABLE seam), taking --engine-seconds per video, so
the figures are about the site, not the renderer; `--engine real` runs gen_engine at 480p, 5 s.
The Redis database given is flushed first: give it one nothing else uses.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import requests

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
BIN = Path(sys.executable).parent


# --- a minimal websocket client (RFC 6455: handshake, unmasked server text frames) -----------


class MiniWebSocket:
    def __init__(self, host: str, port: int, path: str, cookie: str) -> None:
        self.sock = socket.create_connection((host, port), timeout=120)
        key = base64.b64encode(secrets.token_bytes(16)).decode()
        request = (
            f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
            f"Origin: http://{host}:{port}\r\nCookie: {cookie}\r\n\r\n"
        )
        self.sock.sendall(request.encode())
        self.buffer = b""
        while b"\r\n\r\n" not in self.buffer:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionError("websocket handshake: connection closed")
            self.buffer += chunk
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        if b" 101 " not in head.split(b"\r\n", 1)[0]:
            raise ConnectionError(f"websocket refused: {head[:80]!r}")

    def _read(self, n: int) -> bytes:
        while len(self.buffer) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("websocket closed")
            self.buffer += chunk
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data

    def receive_json(self) -> Any:
        while True:
            first, second = self._read(2)
            opcode, length = first & 0x0F, second & 0x7F
            if length == 126:
                length = int.from_bytes(self._read(2), "big")
            elif length == 127:
                length = int.from_bytes(self._read(8), "big")
            payload = self._read(length)
            if opcode == 0x1:
                return json.loads(payload)
            if opcode == 0x8:
                raise ConnectionError("websocket closed by server")

    def close(self) -> None:
        self.sock.close()


# --- set-up --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--jobs-per-user", type=int, default=1, choices=[1, 2])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--engine", choices=["fake", "real"], default="fake")
    parser.add_argument("--engine-seconds", type=float, default=1.0)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/8")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--update-doc", default="")
    args = parser.parse_args()

    var = Path(tempfile.mkdtemp(prefix="framecast-load-"))
    env = {
        k: v for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "BROKER_URL", "DJANGO_SETTINGS_MODULE"}
    }  # fmt: skip
    env.update(
        {
            "FRAMECAST_VAR_DIR": str(var),
            "FRAMECAST_MEDIA_ROOT": str(var / "media"),
            "REDIS_URL": args.redis_url,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "FRAMECAST_FAKE_ENGINE_SECONDS": str(args.engine_seconds),
            "FRAMECAST_FAKE_ENGINE_LOG": str(var / "engine.log"),
            "GENERATION_DAILY_QUOTA": "1000",
            "GENERATION_SWEEP_INTERVAL_SECONDS": "0",
            "DJANGO_LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(REPO),
        }
    )
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    if args.engine == "fake":
        env["FRAMECAST_ENGINE_CALLABLE"] = "tests.videos.fake_engine:generate"
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "sora_site.settings"

    import redis

    redis.Redis.from_url(args.redis_url).flushdb()
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=REPO,
        env=env,
        check=True,
    )

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.sessions.backends.db import SessionStore

    from accounts.models import User

    users = []
    for n in range(args.users):
        user = User.objects.create_user(f"load{n}@example.com", None, handle=f"load{n}")
        session = SessionStore()
        session["_auth_user_id"] = str(user.pk)
        session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
        session["_auth_user_hash"] = user.get_session_auth_hash()
        session.create()
        users.append((user, f"{settings.SESSION_COOKIE_NAME}={session.session_key}"))

    port = free_port()
    processes = [
        subprocess.Popen(
            [str(BIN / "daphne"), "-b", "127.0.0.1", "-p", str(port), "sora_site.asgi:application"],
            cwd=REPO,
            env=env,
            stdout=(var / "daphne.log").open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    ]
    for index in range(args.workers):
        processes.append(
            subprocess.Popen(
                [str(BIN / "dramatiq"), "sora_site.worker", "--processes", "1",
                 "--threads", str(args.threads), "--path", str(REPO)],
                cwd=REPO, env=env, stdout=(var / f"worker{index}.log").open("w"),
                stderr=subprocess.STDOUT, start_new_session=True,
            )
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                if time.monotonic() > deadline:
                    raise SystemExit("daphne did not start") from None
                time.sleep(0.3)
        time.sleep(3)  # let the workers boot too
        results = run_load(base, port, users, args.jobs_per_user)
        report = summarise(results, args, var)
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
    text = render(report)
    print(text)
    if args.update_doc:
        update_doc(Path(args.update_doc), text)
    return 0 if report["lost"] == 0 and report["duplicated"] == 0 else 1


def run_load(base: str, port: int, users: list[Any], per_user: int) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = []
    lock = threading.Lock()
    start = threading.Barrier(len(users))

    def one_person(cookie: str) -> None:
        ws = MiniWebSocket("127.0.0.1", port, "/ws/jobs/", cookie)
        ws.receive_json()  # the snapshot
        http = requests.Session()
        http.headers["Cookie"] = cookie
        page = http.get(f"{base}/create/", timeout=60)
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        token = csrf.group(1) if csrf else ""
        cookie_csrf = page.cookies.get("csrftoken", "")
        http.headers["Cookie"] = f"{cookie}; csrftoken={cookie_csrf}"
        start.wait()
        arrivals: list[tuple[float, dict[str, Any]]] = []
        finished = threading.Event()
        mine: dict[str, dict[str, Any]] = {}

        def listen() -> None:
            # Timestamps events as they arrive, while this person's POSTs are still in flight.
            while not finished.is_set():
                try:
                    event = ws.receive_json()
                except (OSError, ConnectionError):
                    return
                arrivals.append((time.monotonic(), event))
                if event.get("status") in ("succeeded", "failed", "cancelled"):
                    done = {e["video"] for _, e in arrivals if e.get("status") == "succeeded"}
                    if len(done) >= per_user:
                        finished.set()

        listener = threading.Thread(target=listen, daemon=True)
        listener.start()
        for n in range(per_user):
            sent = time.monotonic()
            response = http.post(
                f"{base}/create/",
                data={"csrfmiddlewaretoken": token, "prompt": f"a ball bounces, take {n}",
                      "duration": "5", "aspect": "9:16", "resolution": "480", "style": "auto",
                      "camera": "auto", "seed": ""},
                headers={"Referer": f"{base}/create/"}, allow_redirects=False, timeout=60,
            )  # fmt: skip
            answered = time.monotonic()
            location = response.headers.get("Location", "")
            if response.status_code != 302 or "#draft-" not in location:
                with lock:
                    results.append({"error": f"{response.status_code} {response.text[:200]}"})
                continue
            video = location.rsplit("#draft-", 1)[1]
            mine[video] = {"video": video, "sent": sent, "answered": answered}
        if mine:
            finished.wait(timeout=900)
        for at, event in list(arrivals):
            record = mine.get(event.get("video", ""))
            if record is None or event.get("type") != "job.progress":
                continue
            record.setdefault("first_event", at)
            if event["status"] == "running":
                record.setdefault("running", at)
            if event["status"] in ("succeeded", "failed", "cancelled"):
                record["finished"], record["status"] = at, event["status"]
        ws.close()
        with lock:
            results.extend(mine.values())

    threads = [threading.Thread(target=one_person, args=(cookie,)) for _, cookie in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=900)
    return results


def summarise(results: list[dict[str, Any]], args: Any, var: Path) -> dict[str, Any]:
    from videos.models import GenerationJob

    ok = [r for r in results if "error" not in r]
    expected = args.users * args.jobs_per_user
    jobs = list(GenerationJob.objects.select_related("video"))
    succeeded = [j for j in jobs if j.status == GenerationJob.Status.SUCCEEDED]
    engine_runs: dict[str, int] = {}
    log = var / "engine.log"
    if log.exists():
        for line in log.read_text().splitlines():
            video, _, what = line.split()
            if what == "done":
                engine_runs[video] = engine_runs.get(video, 0) + 1
    first = min(r["sent"] for r in ok) if ok else 0.0
    last = max(r.get("finished", 0.0) for r in ok) if ok else 0.0
    span = max(1e-9, last - first)
    return {
        "date": dt.date.today().isoformat(),
        "users": args.users, "jobs_per_user": args.jobs_per_user, "workers": args.workers,
        "threads": args.threads, "engine": args.engine, "engine_seconds": args.engine_seconds,
        "database": "PostgreSQL" if args.database_url else "SQLite",
        "requested": expected, "accepted": len(ok), "http_errors": len(results) - len(ok),
        "succeeded": len(succeeded),
        "lost": expected - len(succeeded),
        "duplicated": sum(1 for n in engine_runs.values() if n > 1),
        "attempts_over_1": sum(1 for j in jobs if j.attempts > 1),
        "jobs_per_minute": len(succeeded) / span * 60,
        "wall_s": span,
        "post_p50": percentile([r["answered"] - r["sent"] for r in ok], 50),
        "post_p95": percentile([r["answered"] - r["sent"] for r in ok], 95),
        "first_event_p50": percentile([r["first_event"] - r["sent"] for r in ok if "first_event" in r], 50),  # noqa: E501
        "first_event_p95": percentile([r["first_event"] - r["sent"] for r in ok if "first_event" in r], 95),  # noqa: E501
        "running_p50": percentile([r["running"] - r["sent"] for r in ok if "running" in r], 50),
        "running_p95": percentile([r["running"] - r["sent"] for r in ok if "running" in r], 95),
        "cpus": os.cpu_count(),
    }  # fmt: skip


def render(r: dict[str, Any]) -> str:
    return "\n".join(
        [
            "## Generation under load (site + workers)",
            "",
            f"Measured {r['date']} with `bench/generation_load.py` on {r['cpus']} cores: "
            f"{r['users']} people each POSTing {r['jobs_per_user']} prompt(s) to /create/ at "
            f"once through one daphne process, {r['workers']} Dramatiq worker process(es) x "
            f"{r['threads']} thread(s) on Redis, {r['database']}, engine: {r['engine']}"
            + (f" ({r['engine_seconds']} s per video)" if r["engine"] == "fake" else "")
            + ".",
            "",
            "| figure | value |",
            "| --- | --- |",
            f"| jobs requested / accepted / succeeded | {r['requested']} / {r['accepted']} / "
            f"{r['succeeded']} |",
            f"| lost / run twice | {r['lost']} / {r['duplicated']} |",
            f"| throughput | {r['jobs_per_minute']:.1f} jobs/minute "
            f"({r['wall_s']:.1f} s for all) |",
            f"| POST /create/ latency p50 / p95 | {r['post_p50'] * 1000:.0f} ms / "
            f"{r['post_p95'] * 1000:.0f} ms |",
            f"| first progress event (queued state) after sending the POST p50 / p95 | "
            f"{r['first_event_p50'] * 1000:.0f} ms / {r['first_event_p95'] * 1000:.0f} ms |",
            '| first "running" event after sending the POST p50 / p95 | '
            f"{r['running_p50']:.2f} s / "
            f"{r['running_p95']:.2f} s (queueing: jobs wait for a free worker) |",
            "",
            "Reading it: the first event (the job's queued state, sent when the request's "
            "transaction commits) reaches the person's websocket a few milliseconds after the "
            "POST is answered, so its latency is the POST's: one daphne process runs Django's "
            'sync views one at a time (DESIGN.md, "Serving HTTP"), so a burst of '
            "simultaneous POSTs queues there; production runs one daphne process per core "
            'behind a balancer. The first "running" event waits for a free worker: with more '
            "jobs than worker threads it grows with the queue, and more worker processes (on "
            "any machine) is the lever.",
            "",
        ]
    )


def update_doc(path: Path, section: str) -> None:
    text = path.read_text() if path.exists() else "# Performance\n"
    heading = "## Generation under load (site + workers)"
    pattern = re.compile(re.escape(heading) + r".*?(?=\n## |\Z)", re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: section.rstrip("\n") + "\n", text)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text)


if __name__ == "__main__":
    raise SystemExit(main())
