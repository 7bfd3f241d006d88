"""The database locked or unreachable: a retry or a clear 503, never a lost or half-written booking."""
import sqlite3
import threading
import time

import pytest
import sqlalchemy as sa

from tests.conftest import base_config
from tests.factories import create_slot
from visitorapp import create_app
from visitorapp.booking.models import Booking
from visitorapp.programme.models import CampusDay

UNREACHABLE_PG = "postgresql+psycopg://postgres@127.0.0.1:1/nowhere"


@pytest.fixture
def app_config(app_config):
    # Short waits so the test is quick; the production ratios are the same (see config.py).
    return {**app_config, "SQLITE_BUSY_TIMEOUT_MS": 100, "DB_RETRY_ATTEMPTS": 3,
            "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"timeout": 0.1}}}


def booking_form(slot_id, mobile="13912345678"):
    return {"slot_id": slot_id, "school_name": "长沙市故障中学", "school_stage": "junior",
            "grades": "七年级", "students": 30, "teachers": 2, "leader_name": "周老师",
            "leader_mobile": mobile, "privacy": "y"}


def _database_file(app) -> str:
    return sa.engine.make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database


class WriteLock:
    """Another process's writer: BEGIN IMMEDIATE on the same SQLite file, held until release."""

    def __init__(self, path):
        self.conn = sqlite3.connect(path, timeout=5, isolation_level=None, check_same_thread=False)
        self.conn.execute("BEGIN IMMEDIATE")

    def release(self):
        self.conn.execute("ROLLBACK")
        self.conn.close()


def _counts(db, slot):
    db.session.expire_all()
    return (db.session.scalar(sa.select(sa.func.count()).select_from(Booking)),
            db.session.get(type(slot), slot.id).booked,
            db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(CampusDay.booked), 0))))


@pytest.mark.sqlite_only
def test_locked_database_answers_503_in_chinese_and_writes_nothing(app, client, db):
    slot = create_slot(capacity=100)
    db.session.commit()
    before = _counts(db, slot)
    lock = WriteLock(_database_file(app))
    try:
        response = client.post(f"/book/{slot.id}", data=booking_form(slot.id))
    finally:
        lock.release()
    assert response.status_code == 503
    assert "系统繁忙" in response.get_data(as_text=True) and "未被保存" in response.get_data(as_text=True)
    assert response.headers["Retry-After"] == "2"
    assert _counts(db, slot) == before  # no booking, no places taken, no campus-day count


@pytest.mark.sqlite_only
def test_lock_released_during_the_retries_books_once(app, client, db):
    slot = create_slot(capacity=100)
    db.session.commit()
    lock = WriteLock(_database_file(app))
    releaser = threading.Timer(0.15, lock.release)
    releaser.start()
    started = time.monotonic()
    response = client.post(f"/book/{slot.id}", data=booking_form(slot.id))
    releaser.join()
    assert response.status_code == 302, response.get_data(as_text=True)
    assert time.monotonic() - started >= 0.1  # it did wait for the lock
    bookings, booked, day = _counts(db, slot)
    assert (bookings, booked, day) == (1, 32, 32)


@pytest.mark.sqlite_only
def test_locked_database_on_the_api_answers_json_503(app, client, db):
    slot = create_slot()
    db.session.commit()
    lock = WriteLock(_database_file(app))
    try:
        response = client.post(f"/book/{slot.id}", data=booking_form(slot.id),
                               headers={"Accept": "application/json"})
    finally:
        lock.release()
    assert response.status_code == 503
    assert response.get_json()["error"] == "busy"


@pytest.mark.parametrize("path", ["/book", "/", "/b/some-token"])
def test_unreachable_postgres_gives_503_not_a_stack_trace(tmp_path, path):
    app = create_app({**base_config(UNREACHABLE_PG, str(tmp_path)),
                      "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"connect_timeout": 2}},
                      "DB_RETRY_ATTEMPTS": 2})
    app.testing = False  # as in production: errors become pages, not exceptions
    client = app.test_client()
    response = client.get(path)
    assert response.status_code == 503
    html = response.get_data(as_text=True)
    assert "系统繁忙" in html and "Traceback" not in html and "psycopg" not in html
    posted = client.post("/book/1", data=booking_form(1))
    assert posted.status_code == 503
    api = client.get(path, headers={"Accept": "application/json"})
    assert api.status_code == 503 and api.get_json()["error"] == "busy"
