"""Feed under load on a seeded PostgreSQL database.

    .venv/bin/python bench/feed.py [--users 5000 --videos 100000 --likes 1000000]
                                   [--clients 16 --requests 800 --servers 2]

Creates (once) the database `framecast_bench_feed` on the local PostgreSQL (override with
BENCH_DATABASE_URL), migrates it, seeds it with `seed_demo --users --videos --likes` when it has
fewer videos than asked, starts `--servers` daphne processes, and sends `--requests` feed requests
from `--clients` concurrent clients signed in as different seeded people. Reports the server time
(the Server-Timing header: time inside Django, without queueing) p50/p95/p99, the client-side
latency and the throughput, for the feed page and, when it exists, the feed API; then EXPLAIN
ANALYZE of the candidate queries so the indexes can be checked.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
ASGI_APP = "sora_site.asgi:application"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/framecast_bench_feed"


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def _django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sora_site.settings")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
    import django

    django.setup()


def _sessions(count: int) -> list[str]:
    """Session cookies of `count` seeded adults, made the way a login makes them."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from accounts.models import User

    cookies = []
    adults = User.objects.filter(handle__startswith="seed", birthdate__year__lt=2000)[:count]
    for user in adults:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.save()
        cookies.append(store.session_key or "")
    return cookies


def _load(
    ports: list[int], path: str, cookies: list[str], clients: int, requests: int
) -> dict[str, object]:
    server_ms: list[float] = []
    client_ms: list[float] = []
    errors: dict[int, int] = {}  # status -> count
    lock = threading.Lock()
    per_client = max(requests // clients, 1)

    def run(index: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", ports[index % len(ports)], timeout=30)
        cookie = f"sessionid={cookies[index % len(cookies)]}"
        for _ in range(per_client):
            started = time.perf_counter()
            conn.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1"})
            response = conn.getresponse()
            response.read()
            elapsed = (time.perf_counter() - started) * 1000
            timing = re.search(r"app;dur=([0-9.]+)", response.getheader("Server-Timing", ""))
            with lock:
                if response.status != 200 or timing is None:
                    errors[response.status] = errors.get(response.status, 0) + 1
                    continue
                server_ms.append(float(timing.group(1)))
                client_ms.append(elapsed)
        conn.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    if not server_ms:
        return {"requests": 0, "errors": errors}
    return {
        "requests": len(server_ms),
        "errors": errors,
        "throughput_rps": len(server_ms) / wall,
        "server_p50_ms": _percentile(server_ms, 0.5),
        "server_p95_ms": _percentile(server_ms, 0.95),
        "server_p99_ms": _percentile(server_ms, 0.99),
        "server_mean_ms": statistics.fmean(server_ms),
        "client_p50_ms": _percentile(client_ms, 0.5),
        "client_p99_ms": _percentile(client_ms, 0.99),
    }


def _explain() -> str:
    """EXPLAIN ANALYZE of every query one feed page runs, the shared pool included."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from feed import selectors

    viewer = User.objects.filter(handle__startswith="seed", birthdate__year__lt=2000).first()
    assert viewer is not None
    cache.delete(selectors.POOL_CACHE_KEY)
    with CaptureQueriesContext(connection) as captured:
        selectors.feed_page(viewer=viewer, page_size=8)
    lines = []
    for query in captured.captured_queries:
        sql = query["sql"]
        if not sql.lstrip("( ").upper().startswith("SELECT"):
            continue
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        lines.append(f"-- {sql[:160]}...\n{plan}")
    return "\n\n".join(lines)


def _serve_wsgi(port: int) -> None:
    """One worker that serves one request at a time, as a gunicorn sync worker does: the other
    requests wait in the kernel's accept queue, outside the time Django measures. Several
    workers share the port (SO_REUSEPORT), so the kernel spreads connections between them."""
    import socket
    from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

    from django.core.wsgi import get_wsgi_application

    class SharedPortServer(WSGIServer):
        request_queue_size = 128

        def server_bind(self) -> None:
            self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            super().server_bind()

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    application = get_wsgi_application()
    make_server(
        "127.0.0.1", port, application, server_class=SharedPortServer, handler_class=QuietHandler
    ).serve_forever()


def _start_servers(
    kind: str, count: int, url: str
) -> tuple[list[subprocess.Popen[bytes]], list[int]]:
    env = {**os.environ, "DATABASE_URL": url, "FRAMECAST_INPROCESS_WORKER": "0"}
    if kind == "daphne":
        # Each request runs its sync code on a thread of its own; a persistent connection per
        # thread exhausts max_connections (Django's docs: no persistent connections on ASGI).
        env.setdefault("DATABASE_CONN_MAX_AGE", "0")
        ports = [8100 + i for i in range(count)]
        commands = [
            [str(ROOT / ".venv/bin/daphne"), "-b", "127.0.0.1", "-p", str(port), ASGI_APP]
            for port in ports
        ]
    else:
        ports = [8150]
        commands = [[sys.executable, __file__, "--serve-wsgi", "8150"] for _ in range(count)]
    servers = [
        subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        for command in commands
    ]
    return servers, ports


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=5000)
    parser.add_argument("--videos", type=int, default=100_000)
    parser.add_argument("--likes", type=int, default=1_000_000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--requests", type=int, default=800)
    parser.add_argument("--servers", type=int, default=2, help="processes (one per core)")
    parser.add_argument(
        "--server",
        choices=["wsgi", "daphne", "both"],
        default="both",
        help="wsgi: one request at a time per process; daphne: the ASGI server",
    )
    parser.add_argument("--serve-wsgi", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--no-explain", action="store_true")
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    if args.serve_wsgi:
        _django(url)
        _serve_wsgi(args.serve_wsgi)
        return
    _ensure_database(url)
    _django(url)
    from django.core.management import call_command

    from videos.models import Video

    call_command("migrate", verbosity=0)
    have = Video.objects.count()
    if have < args.videos:
        started = time.perf_counter()
        call_command("seed_demo", users=args.users, videos=args.videos - have, likes=args.likes)
        print(f"seeding took {time.perf_counter() - started:.0f} s")
    cookies = _sessions(64)
    for kind in ("wsgi", "daphne") if args.server == "both" else (args.server,):
        servers, ports = _start_servers(kind, args.servers, url)
        try:
            time.sleep(6)
            _load(ports, "/feed/", cookies, args.clients, args.clients * 4)  # warm every process
            for label, path in (("feed page", "/feed/"), ("feed API", "/api/v1/feed")):
                result = _load(ports, path, cookies, args.clients, args.requests)
                print(f"## {label}: {args.clients} clients, {args.servers} {kind} processes")
                for key, value in result.items():
                    shown = f"{value:.1f}" if isinstance(value, float) else value
                    print(f"- {key}: {shown}")
        finally:
            for server in servers:
                server.terminate()
            for server in servers:
                server.wait(10)
    if not args.no_explain:
        print("\n## EXPLAIN ANALYZE\n```\n" + _explain() + "\n```")


if __name__ == "__main__":
    main()
