"""The bare baselines: plain Flask + SQLAlchemy Core under the same gunicorn config as the app.

``/take``: one conditional single-row UPDATE (the booking burst's baseline). ``/scan``: parse a
scan's JSON, INSERT it and count one person in, in one transaction (the check-in bench's). No
forms, no rules, no audit, no templates: what the benches cost beyond these is the price of
visitorapp's own work.
"""
import os
import sys
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, jsonify, request

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script or by gunicorn
from visitorapp.config import normalise_database_url  # noqa: E402

app = Flask(__name__)
_engine = None


def engine() -> sa.Engine:
    global _engine
    if _engine is None:
        _engine = sa.create_engine(normalise_database_url(os.environ["VISITORAPP_DATABASE_URL"]))
        if _engine.dialect.name == "sqlite":
            @sa.event.listens_for(_engine, "connect")
            def _pragmas(conn, _record):
                # The same durability as the app (WAL, synchronous=FULL, busy timeout).
                for pragma in ("journal_mode=WAL", "synchronous=FULL", "busy_timeout=2000"):
                    conn.execute(f"PRAGMA {pragma}")
    return _engine

TAKE = sa.text("UPDATE bare_slot SET booked = booked + :n WHERE id = :id AND booked + :n <= capacity")


@app.get("/healthz")
def healthz():
    return jsonify(status="ok")


@app.post("/take/<int:slot_id>")
def take(slot_id: int):
    persons = int(request.form.get("persons", "1"))
    with engine().begin() as conn:
        taken = conn.execute(TAKE, {"n": persons, "id": slot_id}).rowcount == 1
    return (jsonify(taken=True), 201) if taken else (jsonify(taken=False), 409)


STORE_SCAN = sa.text("INSERT INTO bare_scan (client_id, token) VALUES (:client_id, :token)")
COUNT_IN = sa.text("UPDATE bare_slot SET booked = booked + 1 WHERE id = 1")


@app.post("/scan")
def scan():
    """The least a check-in must do: parse the JSON, store the scan, count the person in."""
    data = request.get_json()
    with engine().begin() as conn:
        conn.execute(STORE_SCAN, {"client_id": data["client_id"], "token": data["token"][:64]})
        conn.execute(COUNT_IN)
    return jsonify(result="ok", client_id=data["client_id"]), 201


def create_schema(url: str, slots: int, capacity: int) -> None:
    eng = sa.create_engine(normalise_database_url(url))
    with eng.begin() as conn:
        conn.execute(sa.text("CREATE TABLE bare_scan (client_id VARCHAR(64) PRIMARY KEY, "
                             "token VARCHAR(64) NOT NULL)"))
        conn.execute(sa.text("CREATE TABLE bare_slot (id INTEGER PRIMARY KEY, capacity INTEGER NOT NULL, "
                             "booked INTEGER NOT NULL DEFAULT 0)"))
        for i in range(1, slots + 1):
            conn.execute(sa.text("INSERT INTO bare_slot (id, capacity, booked) VALUES (:i, :c, 0)"),
                         {"i": i, "c": capacity})
    eng.dispose()


def sold(url: str) -> int:
    eng = sa.create_engine(normalise_database_url(url))
    with eng.connect() as conn:
        total = conn.scalar(sa.text("SELECT COALESCE(SUM(booked), 0) FROM bare_slot"))
    eng.dispose()
    return int(total)
