"""Gate check-in throughput: POST /api/v1/checkins under gunicorn, beside a bare Flask endpoint.

    python bench/checkin.py [--requests 600] [--concurrency 8] [--workers 3] [--pg URL]

For SQLite (a fresh file) and PostgreSQL (a throw-away database, when reachable) it seeds one
slot today with one booking per request, starts gunicorn on 127.0.0.1 (sync workers), sends each
ticket once with a device token (plus 10 % repeats, which answer already_inside), and prints
check-ins per second and p50/p99 latency. A bare Flask endpoint that parses the same JSON is
measured in the same run, under the same gunicorn settings, as the baseline. Stops by itself.
"""
import argparse
import http.client
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SECRET = "bench-secret-" + uuid.uuid4().hex
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"


def bare_app():
    """The baseline: Flask parsing a JSON body and answering JSON, no database."""
    from flask import Flask, jsonify, request
    app = Flask("bare")

    @app.post("/api/v1/checkins")
    def checkin():
        data = request.get_json()
        return jsonify({"result": "ok", "client_id": data.get("client_id")}), 201

    return app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def seed(database_url: str, n: int) -> tuple[list[str], str]:
    """n bookings today and a device token; returns (ticket tokens, device token)."""
    from datetime import timedelta

    from tests.factories import create_booking, create_edition, create_event, create_slot, create_venue
    from visitorapp import create_app
    from visitorapp.checkin.devices import create_device
    from visitorapp.extensions import db
    from visitorapp.tickets.tokens import token_for
    from visitorapp.timeutil import utcnow
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": SECRET,
                      "RATELIMIT_ENABLED": False, "TESTING": True,
                      # a fresh dict: load_config mutates the engine options it is given
                      "SQLALCHEMY_ENGINE_OPTIONS": {}})
    with app.app_context():
        db.create_all()
        venue = create_venue(name="压测场馆", safe_occupancy=1_000_000)
        edition = create_edition(daily_cap=1_000_000, max_group_size=1000)
        slot = create_slot(event=create_event(edition), venue=venue, capacity=1_000_000,
                           starts_at=utcnow() + timedelta(minutes=5), minutes=240)
        tokens = [token_for(create_booking(slot, students=20, teachers=2)) for _ in range(n)]
        _, device_token = create_device("压测设备", venue)
        db.session.commit()
        db.engine.dispose()
    return tokens, device_token


class Server:
    """gunicorn on 127.0.0.1 with sync workers; stopped on exit."""

    def __init__(self, target: str, env: dict, workers: int):
        self.port = free_port()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", str(workers), "-k", "sync", "--timeout", "30",
             "-b", f"127.0.0.1:{self.port}", "--log-level", "warning", target],
            cwd=ROOT, env={**os.environ, **env})
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"gunicorn did not start: {target}")

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def warm_up(port: int, workers: int, headers: dict) -> None:
    """A few unmeasured requests so each worker has imported, connected and compiled its queries
    (an unknown token: refused and stored, touching no booking)."""
    bodies = [{"token": "WARM-UP", "client_id": uuid.uuid4().hex} for _ in range(workers * 4)]
    load(port, bodies, workers, headers)


def load(port: int, bodies: list[dict], concurrency: int, headers: dict) -> dict:
    """Send every body once, ``concurrency`` at a time; latency per request in ms."""
    latencies, results, lock = [], {}, threading.Lock()
    queue = list(enumerate(bodies))

    def worker():
        while True:
            with lock:
                if not queue:
                    return
                _, body = queue.pop()
            payload = json.dumps(body)
            t = time.perf_counter()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("POST", "/api/v1/checkins", payload,
                         {"Content-Type": "application/json", **headers})
            response = conn.getresponse()
            answer = json.loads(response.read() or b"{}")
            conn.close()
            ms = (time.perf_counter() - t) * 1000
            with lock:
                latencies.append(ms)
                key = answer.get("result") or f"http {response.status}"
                results[key] = results.get(key, 0) + 1

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    wall = time.perf_counter() - started
    latencies.sort()
    return {"rps": len(latencies) / wall, "p50": statistics.median(latencies),
            "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
            "results": results}


def bodies_for(tokens: list[str]) -> list[dict]:
    bodies = [{"token": t, "direction": "in", "client_id": uuid.uuid4().hex} for t in tokens]
    repeats = [{"token": t, "direction": "in", "client_id": uuid.uuid4().hex}
               for t in random.sample(tokens, max(1, len(tokens) // 10))]
    return bodies + repeats  # workers pop from the end: the repeats race the first scans


def pg_database(base: str) -> str | None:
    from tests.conftest import create_pg_database, pg_reachable
    if pg_reachable(base) is not None:
        return None
    return create_pg_database(base)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=600, help="distinct tickets per backend")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--pg", default=os.environ.get("VISITORAPP_BENCH_PG", DEFAULT_PG))
    args = parser.parse_args()

    rows = []
    server = Server("bench.checkin:bare_app()", {}, args.workers)
    try:
        bodies = [{"token": "x", "client_id": uuid.uuid4().hex}
                  for _ in range(args.requests + args.requests // 10)]
        warm_up(server.port, args.workers, {})
        rows.append(("bare Flask", load(server.port, bodies, args.concurrency, {})))
    finally:
        server.stop()

    backends = []
    tmp = tempfile.mkdtemp(prefix="bench-checkin-")
    backends.append(("SQLite", f"sqlite:///{tmp}/bench.sqlite3", None))
    pg = pg_database(args.pg)
    if pg:
        backends.append(("PostgreSQL", pg, args.pg))
    else:
        print(f"PostgreSQL not reachable at {args.pg}: skipped")
    for name, url, pg_base in backends:
        tokens, device = seed(url, args.requests)
        env = {"VISITORAPP_DATABASE_URL": url, "VISITORAPP_SECRET_KEY": SECRET,
               "VISITORAPP_RATELIMIT_ENABLED": "false"}
        server = Server("wsgi:app", env, args.workers)
        try:
            warm_up(server.port, args.workers, {"Authorization": f"Bearer {device}"})
            rows.append((f"check-in API · {name}", load(
                server.port, bodies_for(tokens), args.concurrency,
                {"Authorization": f"Bearer {device}"})))
        finally:
            server.stop()
            if pg_base:
                from tests.conftest import drop_pg_database
                drop_pg_database(pg_base, url)

    shutil.rmtree(tmp, ignore_errors=True)
    base = rows[0][1]["rps"]
    print(f"\n{args.requests} tickets (+10 % repeats), concurrency {args.concurrency}, "
          f"gunicorn {args.workers} sync workers, 127.0.0.1, {os.cpu_count()} CPUs")
    print(f"{'endpoint':<32}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'vs bare':>9}  results")
    for name, r in rows:
        print(f"{name:<32}{r['rps']:>9.1f}{r['p50']:>9.1f}{r['p99']:>9.1f}"
              f"{r['rps'] / base:>8.2f}x  {r['results']}")


if __name__ == "__main__":
    main()
