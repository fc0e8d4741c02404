"""Load test of generation through the whole site: HTTP -> services -> Redis -> workers -> DB ->
channel layer -> websocket.

    .venv/bin/python bench/generation_load.py [--users 20] [--jobs-per-user 1] [--workers 2]
        [--http-server daphne|gunicorn|wsgi] [--http-processes N]
        [--engine fake|real] [--engine-seconds 1.0] [--redis-url redis://127.0.0.1:6379/8]
        [--database-url postgres://...]

Starts the web tier and `--workers` Dramatiq worker processes on Redis, against a fresh SQLite
file (or --database-url). The web tier is `--http-processes` daphne processes serving HTTP and
websockets (people spread over them), or, as in production (README, production), HTTP on
`--http-processes` one-request-at-a-time processes sharing a port - gunicorn sync workers, or
`wsgi`: the standard library's WSGI server in one process each with SO_REUSEPORT, which behaves
the same where gunicorn is not installed - plus one daphne process for /ws/ only.

Each simulated person holds a websocket open on /ws/jobs/ with their session, GETs /create/ and
POSTs a prompt of their own (the prompt classifier caches repeated texts), at the same moment as
all the others. Measured per job from the moment the POST is sent: its answer (and Django's own
time, from the Server-Timing header), the first progress event on the person's websocket (the
job's "queued" state with its place in line and estimate, sent once the request commits, before
the job reaches the broker), the first "running" event (a worker took it), and "succeeded". At
the end the database says whether every job finished exactly once ("lost" and "duplicated" must
be 0).

`--engine fake` (default) uses the test suite's stand-in engine (tests/videos/fake_engine.py,
through the documented FRAMECAST_ENGINE_CALLABLE seam), taking --engine-seconds per video, so
the figures are about the site, not the renderer; `--engine real` runs gen_engine at 480p, 5 s.
The Redis database given is flushed first, and the PostgreSQL database named by --database-url
is dropped and created again: give it ones nothing else uses.
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
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import requests

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
BIN = Path(sys.executable).parent

from sora_site.core.redis_urls import redis_db, with_db  # noqa: E402 (needs REPO on the path)

# --- a minimal websocket client (RFC 6455: handshake, server text frames, pings) -------------


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
            if opcode == 0x9:
                # daphne pings every 20 s and drops a socket whose pong is 30 s late.
                self._send(0xA, payload)
            if opcode == 0x8:
                raise ConnectionError("websocket closed by server")

    def _send(self, opcode: int, payload: bytes) -> None:
        assert len(payload) < 126, "control frames only"
        mask = secrets.token_bytes(4)  # client frames are always masked
        masked = bytes(byte ^ mask[i % 4] for i, byte in enumerate(payload))
        self.sock.sendall(bytes([0x80 | opcode, 0x80 | len(payload)]) + mask + masked)

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


def serve_wsgi(port: int) -> None:
    """One process serving one request at a time, as a gunicorn sync worker does: the others
    wait in the kernel's accept queue (shared with the sibling processes by SO_REUSEPORT),
    outside the time Django measures."""
    from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

    from sora_site.wsgi import application  # warms up, as in a gunicorn worker

    class SharedPortServer(WSGIServer):
        request_queue_size = 128

        def server_bind(self) -> None:
            self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            super().server_bind()

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    make_server(
        "127.0.0.1", port, application, server_class=SharedPortServer, handler_class=QuietHandler
    ).serve_forever()


def web_commands(kind: str, processes: int) -> tuple[list[list[str]], list[int], list[int]]:
    """The web tier's commands, the HTTP port of each person's share, and the websocket ports."""
    daphne = str(BIN / "daphne")
    if kind == "daphne":
        ports = [free_port() for _ in range(processes)]
        commands = [[daphne, "-b", "127.0.0.1", "-p", str(p), "sora_site.asgi:application"]
                    for p in ports]  # fmt: skip
        return commands, ports, ports
    http_port, ws_port = free_port(), free_port()
    if kind == "gunicorn":
        http = [[str(BIN / "gunicorn"), "sora_site.wsgi:application", "--workers",
                 str(processes), "--bind", f"127.0.0.1:{http_port}"]]  # fmt: skip
    else:
        http = [[sys.executable, __file__, "--serve-wsgi", str(http_port)]] * processes
    websockets = [daphne, "-b", "127.0.0.1", "-p", str(ws_port), "sora_site.asgi:application"]
    return [*http, websockets], [http_port], [ws_port]


def wait_healthy(ports: Sequence[int]) -> None:
    deadline = time.monotonic() + 120
    for port in ports:
        while True:
            try:
                if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"the web process on port {port} did not start")
            time.sleep(0.3)


def fresh_database(url: str) -> None:
    import psycopg

    server, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--serve-wsgi", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--http-server", choices=["daphne", "gunicorn", "wsgi"], default="daphne")
    parser.add_argument(
        "--http-processes", type=int, default=0, help="default: 1 daphne, else one per core"
    )
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--jobs-per-user", type=int, default=1, choices=[1, 2])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--engine", choices=["fake", "real"], default="fake")
    parser.add_argument("--engine-seconds", type=float, default=1.0)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/8")
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    if args.serve_wsgi:
        serve_wsgi(args.serve_wsgi)
        return 0
    if not args.http_processes:
        args.http_processes = 1 if args.http_server == "daphne" else os.cpu_count() or 1

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
            # The broker's database is not 0, so the cache's must be named (README).
            "REDIS_CACHE_URL": with_db(args.redis_url, redis_db(args.redis_url) + 1),
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
        fresh_database(args.database_url)
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

    commands, http_ports, ws_ports = web_commands(args.http_server, args.http_processes)
    # One-request-at-a-time HTTP processes keep their one connection; daphne may not (settings).
    http_env = {**env, "DATABASE_CONN_MAX_AGE": "60"} if args.http_server != "daphne" else env
    processes = [
        subprocess.Popen(
            command,
            cwd=REPO,
            env=env if "daphne" in command[0] else http_env,
            stdout=(var / f"web{index}.log").open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        for index, command in enumerate(commands)
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
    try:
        wait_healthy(sorted({*http_ports, *ws_ports}))
        if args.http_server != "daphne":
            # Every process sharing the port is up once each answered (a cold one would hold
            # its share of the burst while it loads).
            for _ in range(4 * args.http_processes):
                requests.get(f"http://127.0.0.1:{http_ports[0]}/healthz", timeout=120)
        time.sleep(3)  # let the workers boot too
        load_before = os.getloadavg()[0]
        results = run_load(http_ports, ws_ports, users, args.jobs_per_user)
        report = summarise(results, args, var)
        report["load"] = (load_before, os.getloadavg()[0])
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
    print(render(report))
    return 0 if report["lost"] == 0 and report["duplicated"] == 0 else 1


def run_load(
    http_ports: Sequence[int], ws_ports: Sequence[int], users: list[Any], per_user: int
) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = []
    lock = threading.Lock()
    start = threading.Barrier(len(users))

    def one_person(person: int, cookie: str) -> None:
        base = f"http://127.0.0.1:{http_ports[person % len(http_ports)]}"
        ws = MiniWebSocket("127.0.0.1", ws_ports[person % len(ws_ports)], "/ws/jobs/", cookie)
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
                    finished.set()  # a lost socket: what did not arrive counts as missing
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
                data={"csrfmiddlewaretoken": token,
                      "prompt": f"a red ball bounces {person} times, take {n}",
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
            timing = re.search(r"app;dur=([0-9.]+)", response.headers.get("Server-Timing", ""))
            mine[video] = {
                "video": video,
                "sent": sent,
                "answered": answered,
                "server": float(timing.group(1)) / 1000 if timing else float("nan"),
            }
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

    threads = [
        threading.Thread(target=one_person, args=(person, cookie))
        for person, (_, cookie) in enumerate(users)
    ]
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
        "no_final_event": sum(1 for r in ok if "finished" not in r),
        "jobs_per_minute": len(succeeded) / span * 60,
        "wall_s": span,
        "post_p50": percentile([r["answered"] - r["sent"] for r in ok], 50),
        "post_p95": percentile([r["answered"] - r["sent"] for r in ok], 95),
        "server_p50": percentile([r["server"] for r in ok], 50),
        "server_p95": percentile([r["server"] for r in ok], 95),
        "http_server": args.http_server, "http_processes": args.http_processes,
        "first_event_p50": percentile([r["first_event"] - r["sent"] for r in ok if "first_event" in r], 50),  # noqa: E501
        "first_event_p95": percentile([r["first_event"] - r["sent"] for r in ok if "first_event" in r], 95),  # noqa: E501
        "running_p50": percentile([r["running"] - r["sent"] for r in ok if "running" in r], 50),
        "running_p95": percentile([r["running"] - r["sent"] for r in ok if "running" in r], 95),
        "cpus": os.cpu_count(),
    }  # fmt: skip


def web_tier(r: dict[str, Any]) -> str:
    n = r["http_processes"]
    if r["http_server"] == "daphne":
        return f"{n} daphne process(es) serving HTTP and websockets"
    http = "gunicorn sync workers" if r["http_server"] == "gunicorn" else (
        "one-request-at-a-time WSGI processes (standard library, SO_REUSEPORT; as gunicorn "
        "sync workers)"
    )  # fmt: skip
    return f"HTTP on {n} {http}, websockets on 1 daphne process"


def render(r: dict[str, Any]) -> str:
    return "\n".join(
        [
            f"Measured {r['date']} with `bench/generation_load.py` on {r['cpus']} cores (load "
            f"average {r['load'][0]:.1f} before, {r['load'][1]:.1f} after): "
            f"{r['users']} people each POSTing {r['jobs_per_user']} prompt(s) to /create/ at "
            f"once; {web_tier(r)}; {r['workers']} Dramatiq worker process(es) x "
            f"{r['threads']} thread(s) on Redis, {r['database']}, engine: {r['engine']}"
            + (f" ({r['engine_seconds']} s per video)" if r["engine"] == "fake" else "")
            + ".",
            "",
            "| figure | value |",
            "| --- | --- |",
            f"| jobs requested / accepted / succeeded | {r['requested']} / {r['accepted']} / "
            f"{r['succeeded']} |",
            f"| lost / run twice | {r['lost']} / {r['duplicated']} |",
            f"| jobs whose final event never reached the websocket | {r['no_final_event']} |",
            f"| throughput | {r['jobs_per_minute']:.1f} jobs/minute "
            f"({r['wall_s']:.1f} s for all) |",
            f"| POST /create/ latency p50 / p95 | {r['post_p50'] * 1000:.0f} ms / "
            f"{r['post_p95'] * 1000:.0f} ms |",
            f"| of which inside Django (Server-Timing) p50 / p95 | "
            f"{r['server_p50'] * 1000:.0f} ms / {r['server_p95'] * 1000:.0f} ms |",
            f"| first progress event (queued state) after sending the POST p50 / p95 | "
            f"{r['first_event_p50'] * 1000:.0f} ms / {r['first_event_p95'] * 1000:.0f} ms |",
            '| first "running" event after sending the POST p50 / p95 | '
            f"{r['running_p50']:.2f} s / "
            f"{r['running_p95']:.2f} s (queueing: jobs wait for a free worker) |",
            "",
        ]
    )


if __name__ == "__main__":
    raise SystemExit(main())
