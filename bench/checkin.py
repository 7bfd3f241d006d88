"""Gate check-in in steady state: POST /api/v1/checkins under gunicorn, beside a bare endpoint.

    python bench/checkin.py [--requests 2000] [--warmup 200] [--concurrency 8] [--workers 3]
                            [--db sqlite|postgresql|both]

For SQLite (a fresh file) and PostgreSQL (a throw-away database, when reachable) it seeds one
slot today with one booking per ticket, starts gunicorn (gunicorn.conf.py, sync workers, no
access log), warms the workers, then sends each ticket once with a device token plus 10 %
repeats (which answer already_inside), and prints check-ins/s, p50/p99 and the app's CPU time
per request. The bare baseline (bench/bare_app.py ``/scan``: parse the JSON, store the scan,
count one person in) runs the same way on the same database. Afterwards it checks that every
ticket was admitted exactly once and the on-site total equals the persons admitted.
"""
import argparse
import http.client
import json
import random
import sys
import threading
import time
import urllib.parse
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bare_app  # noqa: E402,I001 - next to this file
from common import (  # noqa: E402
    cpu_seconds, figures, gunicorn, line, machine, ratio, run_each_database, scratch_database)

SECRET = "bench-secret-" + uuid.uuid4().hex
GROUP = (20, 2)


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
                      "SQLALCHEMY_ENGINE_OPTIONS": {}})  # a fresh dict: load_config mutates it
    with app.app_context():
        db.create_all()
        venue = create_venue(name="压测场馆", safe_occupancy=10_000_000)
        edition = create_edition(daily_cap=10_000_000, max_group_size=1000)
        slot = create_slot(event=create_event(edition), venue=venue, capacity=10_000_000,
                           starts_at=utcnow() + timedelta(minutes=5), minutes=240)
        tokens = [token_for(create_booking(slot, students=GROUP[0], teachers=GROUP[1]))
                  for _ in range(n)]
        _, device_token = create_device("压测设备", venue)
        db.session.commit()
        db.engine.dispose()
    return tokens, device_token


def load(base: str, path: str, bodies: list[dict], concurrency: int, headers: dict):
    """Send every body once, ``concurrency`` at a time: (latencies in s, results, seconds)."""
    port = urllib.parse.urlsplit(base).port
    latencies, results, lock = [], {}, threading.Lock()
    queue = list(bodies)

    def worker():
        while True:
            with lock:
                if not queue:
                    return
                body = queue.pop()
            t = time.perf_counter()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("POST", path, json.dumps(body),
                         {"Content-Type": "application/json", **headers})
            response = conn.getresponse()
            answer = json.loads(response.read() or b"{}")
            conn.close()
            with lock:
                latencies.append(time.perf_counter() - t)
                key = answer.get("result") or f"http {response.status}"
                results[key] = results.get(key, 0) + 1

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return latencies, results, time.perf_counter() - started


def timed(base, path, warmup, bodies, concurrency, headers):
    load(base, path, warmup, concurrency, headers)
    cpu = cpu_seconds(base.pid)
    latencies, results, seconds = load(base, path, bodies, concurrency, headers)
    return figures(latencies, seconds, cpu_seconds(base.pid) - cpu,
                   sum(n for r, n in results.items() if r == "ok")), results


def bodies_for(tokens: list[str]) -> list[dict]:
    bodies = [{"token": t, "direction": "in", "client_id": uuid.uuid4().hex} for t in tokens]
    repeats = [{"token": t, "direction": "in", "client_id": uuid.uuid4().hex}
               for t in random.sample(tokens, max(1, len(tokens) // 10))]
    return bodies + repeats  # workers pop from the end: the repeats race the first scans


def check(url: str) -> dict:
    """Admitted scans per ticket (must be 1) and the on-site total against the admitted persons."""
    import sqlalchemy as sa

    from visitorapp.config import normalise_database_url
    engine = sa.create_engine(normalise_database_url(url))
    with engine.connect() as conn:
        doubles = conn.scalar(sa.text(
            "SELECT COUNT(*) FROM (SELECT booking_id FROM check_in WHERE result IN ('ok', 're_entry')"
            " AND booking_id IS NOT NULL GROUP BY booking_id HAVING COUNT(*) > 1) d"))
        admitted = conn.scalar(sa.text("SELECT COALESCE(SUM(students + teachers), 0) FROM check_in"
                                       " WHERE result = 'ok' AND direction = 'in'"))
        on_site = conn.scalar(sa.text("SELECT COALESCE(SUM(students + teachers), 0) FROM presence"))
    engine.dispose()
    return {"double": int(doubles), "admitted": int(admitted), "on_site": int(on_site)}


def run_backend(kind: str, args, tmp: Path) -> list[str]:
    with scratch_database(kind, tmp) as url:
        warm_tokens = args.warmup
        tokens, device = seed(url, args.requests + warm_tokens)
        auth = {"Authorization": f"Bearer {device}"}
        warmup = bodies_for(tokens[:warm_tokens])[:warm_tokens]
        measured = bodies_for(tokens[warm_tokens:])
        env = {"VISITORAPP_DATABASE_URL": url, "VISITORAPP_SECRET_KEY": SECRET,
               "VISITORAPP_RATELIMIT_ENABLED": "false"}
        with gunicorn("wsgi:app", env, args.workers) as base:
            app, results = timed(base, "/api/v1/checkins", warmup, measured, args.concurrency, auth)
        found = check(url)

        bare_app.create_schema(url, 1, 10_000_000)
        scans = [{"token": b["token"], "client_id": b["client_id"]} for b in measured]
        bare_warm = [{"token": "warm-up", "client_id": uuid.uuid4().hex} for _ in warmup]
        with gunicorn("bench.bare_app:app", {"VISITORAPP_DATABASE_URL": url}, args.workers) as base:
            bare, _ = timed(base, "/scan", bare_warm, scans, args.concurrency, {})
    lines = [f"[{kind}] " + line("check-in API", app, "admitted"),
             f"[{kind}]   answers {results}; tickets admitted twice {found['double']}, on site "
             f"{found['on_site']} = persons admitted {found['admitted']}",
             f"[{kind}] " + line("bare Flask INSERT+UPDATE", bare),
             f"[{kind}] ratio visitorapp / bare: {ratio(app, bare)}"]
    if found["double"] or found["on_site"] != found["admitted"] or any(
            r.startswith("http 5") for r in results):
        lines.append(f"[{kind}] FAILED: double admission, lost scan or server error")
    return lines


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="distinct tickets (+10 %% repeats)")
    parser.add_argument("--warmup", type=int, default=200, help="unmeasured scans first")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    args = parser.parse_args(argv)
    args.requests = min(args.requests, 20_000)
    print(f"check-in: {args.requests} tickets + 10 % repeats (after {args.warmup} warm-up scans), "
          f"{args.concurrency} concurrent gates, gunicorn {args.workers} sync workers, 127.0.0.1\n"
          f"machine: {machine()}")
    return run_each_database(args.db, run_backend, args)


if __name__ == "__main__":
    sys.exit(main())
