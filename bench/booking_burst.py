"""Booking burst: N schools race for the experience-day slots through gunicorn (sync workers).

Prints bookings/s, requests/s, p50/p99, places sold vs capacity and the oversold count (must be 0),
beside a bare Flask endpoint doing the same single-row conditional UPDATE under the same gunicorn
setup, on SQLite and on PostgreSQL (a throw-away database).

    python bench/booking_burst.py [--schools 200] [--concurrency 32] [--workers 4]
                                  [--db sqlite|postgresql|both] [--endpoint auto|api|form]
                                  [--worker-class sync|gthread]

``--endpoint api`` posts JSON to /api/v1/bookings; ``form`` posts the HTML booking form (CSRF off
for the bench server only); ``auto`` uses the API when the app has it.
"""
import argparse
import http.client
import json
import sys
import tempfile
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import bare_app  # noqa: E402,I001 - next to this file
from common import gunicorn, machine, pg_available, scratch_database, summary

SLOTS, CAPACITY, STUDENTS, TEACHERS = 4, 1000, 20, 2
HOST = "127.0.0.1"


def seed(url: str) -> tuple[list[int], bool]:
    """The experience day: SLOTS slots of CAPACITY places at separate venues. Returns slot ids."""
    from tests.factories import create_edition, create_event, create_slot, create_venue
    from visitorapp import create_app
    from visitorapp.extensions import db
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "TESTING": False})
    with app.app_context():
        db.create_all()
        edition = create_edition(daily_cap=100_000)
        event = create_event(edition, name="职业技能体验日")
        ids = [create_slot(event, create_venue(safe_occupancy=10_000), capacity=CAPACITY).id
               for _ in range(SLOTS)]
        db.session.commit()
        has_api = any(r.rule == "/api/v1/bookings" and "POST" in r.methods
                      for r in app.url_map.iter_rules())
        db.engine.dispose()
    return ids, has_api


def check(url: str) -> dict:
    """Places sold, oversold, and whether each slot's counter equals its bookings' headcount."""
    import sqlalchemy as sa

    from visitorapp.config import normalise_database_url
    engine = sa.create_engine(normalise_database_url(url))
    with engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT s.id, s.capacity, s.booked, COALESCE(SUM(b.students + b.teachers), 0), COUNT(b.id) "
            "FROM slot s LEFT JOIN booking b ON b.slot_id = s.id AND b.status = 'confirmed' "
            "GROUP BY s.id, s.capacity, s.booked")).all()
    engine.dispose()
    return {"sold": sum(r[2] for r in rows), "capacity": sum(r[1] for r in rows),
            "oversold": sum(max(0, r[2] - r[1]) for r in rows),
            "counter_mismatch": sum(1 for r in rows if r[2] != r[3]),
            "bookings": sum(r[4] for r in rows)}


def school(i: int, slot_id: int) -> dict:
    return {"slot_id": slot_id, "school_name": f"压测学校{i}号", "school_stage": "junior",
            "grades": "七年级", "students": STUDENTS, "teachers": TEACHERS, "leader_name": "测试老师",
            "leader_mobile": f"139{i:08d}", "privacy": "y"}


def fire(base: str, requests: list[tuple[str, str, bytes, str]], concurrency: int):
    """Send every request once from ``concurrency`` threads; returns (latencies, statuses, secs)."""
    port = urllib.parse.urlsplit(base).port
    latencies, statuses, lock = [], [], threading.Lock()

    def one(req):
        method, path, body, ctype = req
        started = time.perf_counter()
        conn = http.client.HTTPConnection(HOST, port, timeout=60)
        conn.request(method, path, body=body, headers={"Content-Type": ctype, "Accept": "*/*"})
        status = conn.getresponse().status
        conn.close()
        elapsed = time.perf_counter() - started
        with lock:
            latencies.append(elapsed)
            statuses.append(status)

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(one, requests))
    return latencies, statuses, time.perf_counter() - started


def run_backend(kind: str, args, tmp: Path) -> list[str]:
    lines = []
    with scratch_database(kind, tmp) as url:
        slot_ids, has_api = seed(url)
        endpoint = args.endpoint if args.endpoint != "auto" else ("api" if has_api else "form")
        reqs = []
        for i in range(args.schools):
            data = school(i, slot_ids[i % SLOTS])
            if endpoint == "api":
                data.pop("privacy")
                reqs.append(("POST", "/api/v1/bookings", json.dumps(data).encode(), "application/json"))
            else:
                reqs.append(("POST", f"/book/{data['slot_id']}", urllib.parse.urlencode(data).encode(),
                             "application/x-www-form-urlencoded"))
        env = {"VISITORAPP_DATABASE_URL": url, "VISITORAPP_SECRET_KEY": "bench",
               "VISITORAPP_WTF_CSRF_ENABLED": "false", "VISITORAPP_RATELIMIT_ENABLED": "false",
               "VISITORAPP_MAIL_SUPPRESS_SEND": "true"}
        env["GUNICORN_WORKER_CLASS"] = args.worker_class
        env["GUNICORN_THREADS"] = str(args.threads if args.worker_class == "gthread" else 1)
        with gunicorn("wsgi:app", env, args.workers) as base:
            lat, statuses, secs = fire(base, reqs, args.concurrency)
        booked_ok = sum(1 for s in statuses if s in (201, 302))
        errors = sum(1 for s in statuses if s >= 500)
        result = check(url)

        bare_app.create_schema(url, SLOTS, CAPACITY)
        bare_reqs = [("POST", f"/take/{(i % SLOTS) + 1}",
                      urllib.parse.urlencode({"persons": STUDENTS + TEACHERS}).encode(),
                      "application/x-www-form-urlencoded") for i in range(args.schools)]
        bare_env = {"VISITORAPP_DATABASE_URL": url, "GUNICORN_WORKER_CLASS": args.worker_class,
                    "GUNICORN_THREADS": env["GUNICORN_THREADS"]}
        with gunicorn("bench.bare_app:app", bare_env, args.workers) as base:
            bare_lat, bare_statuses, bare_secs = fire(base, bare_reqs, args.concurrency)
        bare_sold = bare_app.sold(url)

    rps, bare_rps = len(lat) / secs, len(bare_lat) / bare_secs
    lines.append(f"[{kind}] visitorapp via {endpoint}: {len(lat)} requests in {secs:.2f} s = "
                 f"{rps:.0f} req/s, {booked_ok / secs:.0f} bookings/s; {summary(lat)}")
    lines.append(f"[{kind}]   bookings {result['bookings']} (HTTP said {booked_ok}), places sold "
                 f"{result['sold']} / capacity {result['capacity']} (demand "
                 f"{args.schools * (STUDENTS + TEACHERS)}), OVERSOLD {result['oversold']}, "
                 f"counter mismatches {result['counter_mismatch']}, 5xx {errors}")
    lines.append(f"[{kind}] bare Flask UPDATE: {len(bare_lat)} requests in {bare_secs:.2f} s = "
                 f"{bare_rps:.0f} req/s; {summary(bare_lat)}; sold {bare_sold} / {SLOTS * CAPACITY}")
    p99 = sorted(lat)[int(0.99 * (len(lat) - 1))]
    bare_p99 = sorted(bare_lat)[int(0.99 * (len(bare_lat) - 1))]
    lines.append(f"[{kind}] ratio visitorapp / bare: throughput {rps / bare_rps:.2f}x, "
                 f"p99 {p99 / bare_p99:.1f}x")
    if result["oversold"] or result["counter_mismatch"] or result["bookings"] != booked_ok:
        lines.append(f"[{kind}] FAILED: oversold or inconsistent counters")
    return lines


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--endpoint", choices=("auto", "api", "form"), default="auto")
    parser.add_argument("--worker-class", default="sync", help="gunicorn worker class (sync, gthread)")
    parser.add_argument("--threads", type=int, default=4, help="threads per gthread worker")
    args = parser.parse_args(argv)
    args.schools = min(args.schools, 5000)  # bounded: this is a bench, not a flood
    print(f"booking burst: {args.schools} schools x {STUDENTS + TEACHERS} persons, {SLOTS} slots x "
          f"{CAPACITY} places, {args.concurrency} concurrent clients, gunicorn {args.workers} "
          f"{args.worker_class} workers, 127.0.0.1\nmachine: {machine()}")
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        for kind in kinds:
            if kind == "postgresql" and (reason := pg_available()):
                print(f"[postgresql] SKIPPED: {reason}")
                continue
            for line in run_backend(kind, args, Path(tmp)):
                print(line, flush=True)
                failed |= "FAILED" in line
    return 1 if failed else 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    sys.exit(main())
