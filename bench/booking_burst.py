"""Booking burst in steady state: N schools book through gunicorn (sync workers), warm workers.

Prints requests/s, bookings/s, p50/p99 and the app's CPU time per request, with places sold vs
capacity and the oversold count (must be 0), beside a bare Flask endpoint doing the same
single-row conditional UPDATE, run the same way (same gunicorn settings, same warm-up, same
number of requests and clients), on SQLite and on PostgreSQL (a throw-away database).

    python bench/booking_burst.py [--schools 2000] [--warmup 200] [--concurrency 32]
                                  [--workers 4] [--db sqlite|postgresql|both]
                                  [--endpoint api|form] [--worker-class sync|gthread] [--email]

Capacity covers 90 % of the demand, so most requests book and the last ones race for the final
places. ``--endpoint form`` posts the HTML booking form (CSRF off for the bench server only).
"""
import argparse
import http.client
import json
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import bare_app  # noqa: E402,I001 - next to this file
from common import cpu_seconds, figures, gunicorn, line, machine, ratio, run_each_database, scratch_database

SLOTS, STUDENTS, TEACHERS = 4, 20, 2
GROUP = STUDENTS + TEACHERS
HOST = "127.0.0.1"


def capacity_for(schools: int) -> int:
    """Places per slot: 90 % of the demand, in whole groups plus a remainder that fits none."""
    return int(schools * GROUP * 0.9 / SLOTS) + GROUP // 2


def seed(url: str, schools: int) -> tuple[list[int], int]:
    """The experience day: SLOTS measured slots (90 % of the demand) at separate venues, and a
    warm-up slot. Returns (slot ids, warm-up slot id)."""
    from tests.factories import create_edition, create_event, create_slot, create_venue
    from visitorapp import create_app
    from visitorapp.extensions import db
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "TESTING": False})
    with app.app_context():
        db.create_all()
        edition = create_edition(daily_cap=10_000_000)
        event = create_event(edition, name="职业技能体验日")
        ids = [create_slot(event, create_venue(safe_occupancy=10_000_000),
                           capacity=capacity_for(schools)).id for _ in range(SLOTS + 1)]
        db.session.commit()
        db.engine.dispose()
    return ids[:SLOTS], ids[SLOTS]


def check(url: str, measured: list[int]) -> dict:
    """Places sold in the measured slots, oversold, and whether every slot's counter equals its
    bookings' headcount."""
    import sqlalchemy as sa

    from visitorapp.config import normalise_database_url
    engine = sa.create_engine(normalise_database_url(url))
    with engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT s.id, s.capacity, s.booked, COALESCE(SUM(b.students + b.teachers), 0), COUNT(b.id) "
            "FROM slot s LEFT JOIN booking b ON b.slot_id = s.id AND b.status = 'confirmed' "
            "GROUP BY s.id, s.capacity, s.booked")).all()
    engine.dispose()
    timed = [r for r in rows if r[0] in measured]
    return {"sold": sum(r[2] for r in timed), "capacity": sum(r[1] for r in timed),
            "oversold": sum(max(0, r[2] - r[1]) for r in rows),
            "counter_mismatch": sum(1 for r in rows if r[2] != r[3]),
            "bookings": sum(r[4] for r in timed)}


def school(i: int, slot_id: int, email: bool = False) -> dict:
    return {"slot_id": slot_id, "school_name": f"压测学校{i}号", "school_stage": "junior",
            "grades": "七年级", "students": STUDENTS, "teachers": TEACHERS, "leader_name": "测试老师",
            "leader_mobile": f"139{i:08d}", "privacy": "y",
            **({"email": f"teacher{i}@example.cn"} if email else {})}


def fire(base: str, requests: list[tuple[str, str, bytes, str]], concurrency: int):
    """Send every request once from ``concurrency`` threads; returns (latencies, statuses, secs)."""
    port = urllib.parse.urlsplit(base).port
    latencies, statuses, lock = [], [], threading.Lock()

    def one(req):
        method, path, body, ctype = req
        started = time.perf_counter()
        conn = http.client.HTTPConnection(HOST, port, timeout=60)
        conn.request(method, path, body=body, headers={"Content-Type": ctype, "Accept": "*/*"})
        response = conn.getresponse()
        response.read()
        conn.close()
        elapsed = time.perf_counter() - started
        with lock:
            latencies.append(elapsed)
            statuses.append(response.status)

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(one, requests))
    return latencies, statuses, time.perf_counter() - started


def timed(base: str, warmup: list, measured: list, concurrency: int):
    """Warm the workers (imports, connections, compiled statements), then time the measured
    requests with the arbiter's and workers' CPU time around them."""
    fire(base, warmup, concurrency)
    cpu = cpu_seconds(base.pid)
    lat, statuses, secs = fire(base, measured, concurrency)
    return lat, statuses, secs, cpu_seconds(base.pid) - cpu


def booking_request(endpoint: str, data: dict) -> tuple:
    if endpoint == "api":
        data = {k: v for k, v in data.items() if k != "privacy"}
        return ("POST", "/api/v1/bookings", json.dumps(data).encode(), "application/json")
    return ("POST", f"/book/{data['slot_id']}", urllib.parse.urlencode(data).encode(),
            "application/x-www-form-urlencoded")


def run_backend(kind: str, args, tmp: Path) -> list[str]:
    lines = []
    with scratch_database(kind, tmp) as url:
        slot_ids, warm_slot = seed(url, args.schools)
        warmup = [booking_request(args.endpoint, school(100_000 + i, warm_slot, args.email))
                  for i in range(args.warmup)]
        reqs = [booking_request(args.endpoint, school(i, slot_ids[i % SLOTS], args.email))
                for i in range(args.schools)]
        env = {"VISITORAPP_DATABASE_URL": url, "VISITORAPP_SECRET_KEY": "bench",
               "VISITORAPP_WTF_CSRF_ENABLED": "false", "VISITORAPP_RATELIMIT_ENABLED": "false",
               "VISITORAPP_MAIL_SUPPRESS_SEND": "true", "GUNICORN_WORKER_CLASS": args.worker_class,
               "GUNICORN_THREADS": str(args.threads if args.worker_class == "gthread" else 1)}
        with gunicorn("wsgi:app", env, args.workers) as base:
            lat, statuses, secs, cpu = timed(base, warmup, reqs, args.concurrency)
        booked_ok = sum(1 for s in statuses if s in (201, 302))
        errors = sum(1 for s in statuses if s >= 500)
        result = check(url, slot_ids)

        capacity = capacity_for(args.schools)
        bare_app.create_schema(url, SLOTS + 1, capacity)
        take = [("POST", f"/take/{(i % SLOTS) + 1}", urllib.parse.urlencode(
            {"persons": GROUP}).encode(), "application/x-www-form-urlencoded")
            for i in range(args.schools)]
        bare_warm = [("POST", f"/take/{SLOTS + 1}", b"persons=1",
                      "application/x-www-form-urlencoded")] * args.warmup
        bare_env = {"VISITORAPP_DATABASE_URL": url, "GUNICORN_WORKER_CLASS": args.worker_class,
                    "GUNICORN_THREADS": env["GUNICORN_THREADS"]}
        with gunicorn("bench.bare_app:app", bare_env, args.workers) as base:
            bare_lat, bare_statuses, bare_secs, bare_cpu = timed(base, bare_warm, take,
                                                                 args.concurrency)
        bare_sold = bare_app.sold(url) - args.warmup

    app = figures(lat, secs, cpu, booked_ok)
    bare = figures(bare_lat, bare_secs, bare_cpu, sum(1 for s in bare_statuses if s == 201))
    lines.append(f"[{kind}] " + line(f"visitorapp via {args.endpoint}", app, "bookings"))
    lines.append(f"[{kind}]   bookings {result['bookings']} (HTTP said {booked_ok}), places sold "
                 f"{result['sold']} / capacity {result['capacity']} (demand {args.schools * GROUP}), "
                 f"OVERSOLD {result['oversold']}, counter mismatches {result['counter_mismatch']}, "
                 f"5xx {errors}")
    lines.append(f"[{kind}] " + line("bare Flask UPDATE", bare, "takes")
                 + f"; sold {bare_sold} / {SLOTS * capacity}")
    lines.append(f"[{kind}] ratio visitorapp / bare: {ratio(app, bare)}")
    if result["oversold"] or result["counter_mismatch"] or result["bookings"] != booked_ok:
        lines.append(f"[{kind}] FAILED: oversold or inconsistent counters")
    return lines


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=2000, help="measured requests")
    parser.add_argument("--warmup", type=int, default=200, help="unmeasured requests first")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--endpoint", choices=("api", "form"), default="api")
    parser.add_argument("--email", action="store_true",
                        help="teachers give an e-mail: each booking also queues its confirmation")
    parser.add_argument("--worker-class", default="sync", help="gunicorn worker class (sync, gthread)")
    parser.add_argument("--threads", type=int, default=4, help="threads per gthread worker")
    args = parser.parse_args(argv)
    args.schools = min(args.schools, 20_000)  # bounded: this is a bench, not a flood
    print(f"booking burst: {args.schools} schools x {GROUP} persons (after {args.warmup} warm-up "
          f"requests), {SLOTS} slots x {capacity_for(args.schools)} places, {args.concurrency} "
          f"concurrent clients, gunicorn {args.workers} {args.worker_class} workers, 127.0.0.1\n"
          f"machine: {machine()}")
    return run_each_database(args.db, run_backend, args)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    sys.exit(main())
