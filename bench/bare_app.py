"""The bare baseline: plain Flask + SQLAlchemy Core, one conditional single-row UPDATE per request.

No forms, no rules, no audit, no templates: what the booking burst costs beyond this is the
price of visitorapp's own work. Served by the same gunicorn config as the real app.
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


def create_schema(url: str, slots: int, capacity: int) -> None:
    eng = sa.create_engine(normalise_database_url(url))
    with eng.begin() as conn:
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
