"""Where a booking's and a scan's CPU time goes: cProfile, grouped by library, beside the bare app.

    python bench/profile_paths.py [--requests 500] [--db sqlite|postgresql]

In-process through Flask's test client (no sockets, no gunicorn, one thread), so what is left is
the request's own work. Each path runs ``--requests`` warm requests under cProfile; every
function's own time (tottime) is charged to the package it lives in, so the table reads "of the
N ms a booking costs, so much is Flask/Werkzeug, SQLAlchemy, the driver, Jinja, WTForms,
the OpenAPI check, and visitorapp's own code". The bare endpoints (bench/bare_app.py) are
profiled the same way in the same run.

This is the evidence asked for where a throughput target is missed: it shows how much of a
request is spent in the fixed choices (Flask, SQLAlchemy ORM, Flask-WTF, the OpenAPI contract)
and how much in code of our own that could still go.
"""
import argparse
import cProfile
import json
import pstats
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bare_app  # noqa: E402,I001 - next to this file
from common import machine, pg_available, scratch_database  # noqa: E402

#: (label, fragments of a file path) — first match wins; order from specific to general.
GROUPS = [
    ("OpenAPI contract (openapi-core, jsonschema)", ("openapi_core", "jsonschema", "openapi_",
                                                     "referencing", "pathable", "jsonschema_path")),
    ("SQLAlchemy ORM", ("sqlalchemy/orm",)),
    ("SQLAlchemy Core + pool", ("sqlalchemy/",)),
    ("driver (sqlite3 / psycopg)", ("sqlite3", "psycopg", "_sqlite3")),
    ("Jinja2 (templates, mails)", ("jinja2", "markupsafe")),
    ("WTForms / Flask-WTF", ("wtforms", "flask_wtf")),
    ("Flask-Limiter / limits", ("flask_limiter", "limits/")),
    ("Flask + Werkzeug", ("flask/", "werkzeug", "flask_sqlalchemy", "flask_login", "blinker",
                          "itsdangerous", "click")),
    ("mail (email, Flask-Mail)", ("email/", "flask_mail")),
    ("visitorapp", ("visitorapp",)),
    ("json", ("json/",)),
]


def group_of(filename: str) -> str:
    for label, fragments in GROUPS:
        if any(fragment in filename for fragment in fragments):
            return label
    return "Python stdlib / other" if filename not in ("~",) else "built-ins"


def profile(fn, n: int) -> tuple[float, dict[str, float]]:
    """Run ``fn(i)`` n times under cProfile: (ms per request, {group: ms per request})."""
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for i in range(n):
        fn(i)
    profiler.disable()
    wall = (time.perf_counter() - started) * 1000 / n
    stats = pstats.Stats(profiler)
    groups: dict[str, float] = defaultdict(float)
    for (filename, _line, _name), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():
        groups[group_of(filename)] += tottime * 1000 / n
    return wall, dict(groups)


def app_paths(url: str, n: int) -> dict[str, tuple[float, dict]]:
    from tests.factories import create_booking, create_edition, create_event, create_slot, create_venue
    from visitorapp import create_app
    from visitorapp.checkin.devices import create_device
    from visitorapp.extensions import db
    from visitorapp.tickets.tokens import token_for
    from visitorapp.timeutil import utcnow

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "TESTING": False,
                      "RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False,
                      "MAIL_SUPPRESS_SEND": True, "SQLALCHEMY_ENGINE_OPTIONS": {}})
    with app.app_context():
        db.create_all()
        edition = create_edition(daily_cap=10_000_000, max_group_size=1000)
        venue = create_venue(safe_occupancy=10_000_000)
        booking_slot = create_slot(create_event(edition, name="职业技能体验日"), venue,
                                   capacity=10_000_000)
        from datetime import timedelta
        gate_slot = create_slot(create_event(edition), venue=venue, capacity=10_000_000,
                                starts_at=utcnow() + timedelta(minutes=5), minutes=240)
        tokens = [token_for(create_booking(gate_slot, students=20, teachers=2))
                  for _ in range(2 * n + 20)]
        _, device = create_device("压测设备", venue)
        db.session.commit()
        slot_id = booking_slot.id
    client = app.test_client()

    def book(i):
        body = {"slot_id": slot_id, "school_name": f"压测学校{i}号", "school_stage": "junior",
                "grades": "七年级", "students": 20, "teachers": 2, "leader_name": "测试老师",
                "leader_mobile": f"139{i:08d}"}
        response = client.post("/api/v1/bookings", json=body)
        assert response.status_code == 201, response.get_data(as_text=True)

    def scan(i):
        response = client.post("/api/v1/checkins", headers={"Authorization": f"Bearer {device}"},
                               json={"token": tokens[i], "direction": "in",
                                     "client_id": uuid.uuid4().hex})
        assert response.status_code in (200, 201), response.get_data(as_text=True)

    for i in range(20):  # warm: imports, compiled statements, the first connection
        book(10_000_000 + i)
        scan(2 * n + i)
    return {"booking API": profile(book, n),
            "check-in API": profile(lambda i: scan(i), n)}


def bare_paths(url: str, n: int) -> dict[str, tuple[float, dict]]:
    import os
    os.environ["VISITORAPP_DATABASE_URL"] = url
    bare_app.create_schema(url, 1, 10_000_000)
    client = bare_app.app.test_client()

    def take(_i):
        assert client.post("/take/1", data={"persons": 22}).status_code == 201

    def scan(_i):
        assert client.post("/scan", json={"client_id": uuid.uuid4().hex,
                                          "token": "t" * 40}).status_code == 201

    for i in range(20):
        take(i)
        scan(i)
    return {"bare /take": profile(take, n), "bare /scan": profile(scan, n)}


def table(results: dict[str, tuple[float, dict]]) -> str:
    labels = [label for label, _ in GROUPS] + ["Python stdlib / other", "built-ins"]
    names = list(results)
    out = [f"{'ms per request (own time)':46}" + "".join(f"{n:>15}" for n in names)]
    for label in labels:
        cells = [results[n][1].get(label, 0.0) for n in names]
        if any(c >= 0.005 for c in cells):
            out.append(f"{label:46}" + "".join(f"{c:15.2f}" for c in cells))
    out.append(f"{'= total under the profiler':46}"
               + "".join(f"{sum(results[n][1].values()):15.2f}" for n in names))
    out.append(f"{'wall per request (profiler on)':46}" + "".join(f"{results[n][0]:15.2f}" for n in names))
    return "\n".join(out)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    args = parser.parse_args()
    print(f"profile of {args.requests} warm requests per path, in-process (test client), {args.db}")
    print("machine: " + machine())
    if args.db == "postgresql" and (reason := pg_available()):
        print(f"SKIPPED: {reason}")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        with scratch_database(args.db, Path(tmp)) as url:
            results = app_paths(url, args.requests)
        with scratch_database(args.db, Path(tmp)) as url:
            results.update(bare_paths(url, args.requests))
    print(table(results))
    if args.json:
        print(json.dumps({k: {"wall_ms": w, "groups": g} for k, (w, g) in results.items()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
