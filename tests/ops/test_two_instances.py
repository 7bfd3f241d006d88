"""Several instances, one truth: two gunicorn instances on two ports over one PostgreSQL and one
Redis (the scale path of docs/deployment.md), with requests split across both.

* a booking race: no slot oversold, every confirmed booking counted once;
* concurrent scans of the same tickets at both: one admission per ticket;
* an offline scan synced to either instance, again and again: stored and counted once;
* the rate limit is one shared counter (Redis), not one per instance or worker;
* a sign-in made on one instance (and its CSRF token) is valid on the other;
* both instances answer the same on-site figures.

Runs once, in the first (SQLite) pass: it makes its own PostgreSQL database either way. Skipped,
with the reason, where PostgreSQL or Redis is absent.
"""
import http.client
import json
import os
import re
import socket
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import DEFAULT_PG, PG_URL, base_config, create_pg_database, drop_pg_database, pg_reachable
from tests.factories import (
    create_booking,
    create_edition,
    create_event,
    create_slot,
    create_user,
    create_venue,
)
from visitorapp import create_app
from visitorapp.accounts.models import Role
from visitorapp.booking.models import Booking, BookingStatus
from visitorapp.checkin import counts
from visitorapp.checkin.devices import create_device
from visitorapp.checkin.models import CheckIn
from visitorapp.extensions import db
from visitorapp.programme.models import Slot
from visitorapp.tickets.tokens import token_for
from visitorapp.timeutil import TZ, local

ROOT = Path(__file__).resolve().parents[2]
REDIS = "redis://127.0.0.1:6379"
PASSWORD = "correct-horse-9"
SECRET = "one-key-for-all"  # sessions, CSRF and ticket signatures: the same on every instance
GROUP = 22  # persons per racing school: 20 students + 2 teachers
WINNERS = 8

pytestmark = pytest.mark.skipif(bool(PG_URL), reason="runs once, in the first pass (it makes its "
                                                     "own PostgreSQL database in either pass)")


def _redis_unreachable() -> str | None:
    import redis
    try:
        redis.Redis.from_url(REDIS, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        return f"Redis not reachable at {REDIS}: {type(exc).__name__}"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Instance:
    """One app instance (gunicorn, 2 sync workers) and a tiny HTTP client with cookies."""

    def __init__(self, env: dict, tmp: Path, name: str):
        self.port = _free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"], cwd=ROOT,
            env={**env, "GUNICORN_BIND": f"127.0.0.1:{self.port}", "GUNICORN_WORKERS": "2",
                 "GUNICORN_ACCESSLOG": "/dev/null",
                 "GUNICORN_ERRORLOG": str(tmp / f"gunicorn-{name}.log")},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def wait_until_up(self):
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail("gunicorn stopped at start-up")
            try:
                if self.request("GET", "/healthz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        pytest.fail("gunicorn did not answer within 40 s")

    def request(self, method, path, body=None, headers=None, cookies=None):
        """(status, headers, text); ``cookies`` (a dict) is sent and updated."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = dict(headers or {})
        if cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        if isinstance(body, dict):
            body = json.dumps(body)
            headers["Content-Type"] = "application/json"
        elif isinstance(body, str):
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        raw = connection.getresponse()
        text = raw.read().decode("utf-8", "replace")
        if cookies is not None:
            for value in raw.headers.get_all("Set-Cookie") or []:
                name, _, rest = value.partition("=")
                cookies[name] = rest.split(";", 1)[0]
        connection.close()
        return raw.status, raw.headers, text

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()


@pytest.fixture(scope="module")
def pg_url():
    reason = pg_reachable(DEFAULT_PG) or _redis_unreachable()
    if reason:
        pytest.skip(reason)
    url = create_pg_database(DEFAULT_PG)
    yield url
    drop_pg_database(DEFAULT_PG, url)


@pytest.fixture(scope="module")
def cluster(pg_url, tmp_path_factory):
    """The schema and two instances A and B sharing the database, Redis and the secret key."""
    tmp = tmp_path_factory.mktemp("two-instances")
    app = create_app({**base_config(pg_url, str(tmp)), "SECRET_KEY": SECRET})
    with app.app_context():
        db.create_all()
    env = {**os.environ, "VISITORAPP_DATABASE_URL": pg_url, "VISITORAPP_SECRET_KEY": SECRET,
           "VISITORAPP_RATELIMIT_STORAGE_URI": REDIS,
           "VISITORAPP_RATELIMIT_KEY_PREFIX": f"two-instances-{uuid.uuid4().hex}",
           "VISITORAPP_RATELIMIT_API": '"10000 per minute"',
           "VISITORAPP_RATELIMIT_PUBLIC_FORM": '"4 per minute"',
           "VISITORAPP_MAIL_SUPPRESS_SEND": "true"}
    env.pop("VISITORAPP_TEST_DATABASE_URL", None)
    env.pop("VISITORAPP_TEST_NOW", None)
    instances = [Instance(env, tmp, "a"), Instance(env, tmp, "b")]
    try:
        for instance in instances:
            instance.wait_until_up()
        yield app, instances
    finally:
        for instance in instances:
            instance.stop()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def seeded(app, build):
    with app.app_context():
        result = build()
        db.session.commit()
        db.session.remove()
        return result


def bookable_slot(capacity: int) -> int:
    """A slot both sides can book: the servers run on the machine's clock while this process may
    live at VISITORAPP_TEST_NOW (make test-far-future), so a week far ahead, open since long ago."""
    edition = create_edition(starts_on=date(2990, 5, 9),
                             booking_opens_at=datetime(2000, 1, 1, tzinfo=UTC))
    return create_slot(create_event(edition), capacity=capacity).id


def both(instances, calls):
    """Run every call (index, fn(instance)) at once, alternating A and B; results in order."""
    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(lambda ic: ic[1](instances[ic[0] % 2]), enumerate(calls)))


def test_booking_race_split_across_instances_never_oversells(cluster):
    app, instances = cluster

    slot_id = seeded(app, lambda: bookable_slot(capacity=WINNERS * GROUP))

    def book(i):
        body = {"slot_id": slot_id, "school_name": f"双实例学校{i}", "school_stage": "junior",
                "students": 20, "teachers": 2, "leader_name": "王老师",
                "leader_mobile": f"137{i:08d}"}
        return lambda instance: instance.request("POST", "/api/v1/bookings", body)[0]

    statuses = both(instances, [book(i) for i in range(3 * WINNERS)])
    assert statuses.count(201) == WINNERS and set(statuses) <= {201, 409}, statuses
    with app.app_context():
        slot = db.session.get(Slot, slot_id)
        held = db.session.scalar(sa.select(sa.func.sum(Booking.students + Booking.teachers)).where(
            Booking.slot_id == slot_id, Booking.status == BookingStatus.CONFIRMED))
        assert slot.booked == held == slot.capacity  # sold out, not one place over
        db.session.remove()


@pytest.fixture(scope="module")
def gate(cluster):
    """Tickets for a slot on the servers' today, and a gate device of its venue."""
    app, instances = cluster
    now = _server_now(instances[0])

    def build():
        venue = create_venue(name="双实例体验馆", safe_occupancy=1000)
        midnight = datetime.combine(local(now).date(), datetime.min.time(), tzinfo=TZ)
        slot = create_slot(create_event(), venue, capacity=500,
                           starts_at=max(midnight, now - timedelta(minutes=5)))
        tickets = [token_for(create_booking(slot, students=30, teachers=2)) for _ in range(4)]
        _, secret = create_device("双实例扫码枪", venue)
        return tickets, {"Authorization": f"Bearer {secret}"}, venue.id
    tickets, auth, venue_id = seeded(app, build)
    return app, instances, tickets, auth, venue_id, now


def _server_now(instance) -> datetime:
    """The servers' clock (their Date header), past the last minute of a Shanghai day so a scan
    and its slot fall on the same day."""
    now = parsedate_to_datetime(instance.request("GET", "/healthz")[1]["Date"])
    if local(now).hour == 23 and local(now).minute >= 58:
        time.sleep(125)
        now = parsedate_to_datetime(instance.request("GET", "/healthz")[1]["Date"])
    return now


def scan(auth, token, **body):
    payload = {"token": token, "direction": "in", "client_id": uuid.uuid4().hex, **body}
    return lambda instance: instance.request("POST", "/api/v1/checkins", payload, auth)


def test_concurrent_scans_at_both_instances_admit_each_ticket_once(gate):
    app, instances, tickets, auth, venue_id, now = gate
    answers = both(instances, [scan(auth, t) for t in tickets[:3] for _ in range(6)])
    results = [json.loads(text)["result"] for status, _, text in answers]
    for i in range(3):
        mine = results[i * 6:(i + 1) * 6]
        assert mine.count("ok") == 1 and set(mine) <= {"ok", "already_inside"}, mine
    with app.app_context():
        assert counts.on_site(local(now).date(), venue_id) == 3 * 32
        db.session.remove()


def test_an_offline_scan_synced_to_either_instance_counts_once(gate):
    app, instances, tickets, auth, venue_id, now = gate
    client_id = f"offline-{uuid.uuid4().hex[:12]}"
    sync = scan(auth, tickets[3], client_id=client_id, offline=True, local_result="ok",
                scanned_at=(now - timedelta(seconds=20)).isoformat())
    answers = both(instances, [sync] * 8)
    statuses = sorted(status for status, _, _ in answers)
    assert statuses == [200] * 7 + [201], statuses  # one stored, seven replays of its answer
    assert len({json.loads(text)["id"] for _, _, text in answers}) == 1
    with app.app_context():
        stored = db.session.scalars(sa.select(CheckIn).where(CheckIn.client_id == client_id)).all()
        assert [c.result for c in stored] == ["ok"] and stored[0].persons == 32
        db.session.remove()
    # Both instances tell the same on-site figure: the first test's 96 and these 32.
    summaries = [json.loads(i.request("GET", "/api/v1/checkins/summary", headers=auth)[2])
                 for i in instances]
    assert [s["campus"]["on_site"] for s in summaries] == [4 * 32, 4 * 32]


def test_the_rate_limit_is_one_counter_for_both_instances(cluster):
    app, instances = cluster
    slot_id = seeded(app, lambda: bookable_slot(capacity=10))
    cookies = {}
    csrf = _csrf(instances[0].request("GET", f"/book/{slot_id}", cookies=cookies)[2])
    # A booking form with its CSRF token but no fields: refused for its fields until the shared
    # limit (4 a minute) answers 429, whichever instance is asked.
    statuses = [instances[i % 2].request("POST", f"/book/{slot_id}", f"csrf_token={csrf}",
                                         cookies=cookies)[0] for i in range(8)]
    assert statuses == [422] * 4 + [429] * 4, statuses


def test_a_sign_in_made_on_one_instance_is_valid_on_the_other(cluster):
    app, (a, b) = cluster
    seeded(app, lambda: create_user(Role.ORGANIZER, username="two-instances-organizer"))
    cookies = {}
    csrf = _csrf(a.request("GET", "/login", cookies=cookies)[2])
    form = f"csrf_token={csrf}&username=two-instances-organizer&password={PASSWORD}"
    assert b.request("POST", "/login", form, cookies=cookies)[0] == 302  # A's form, B's answer
    assert a.request("GET", "/account/password", cookies=cookies)[0] == 200
    assert b.request("GET", "/account/password", cookies=cookies)[0] == 200
    assert a.request("GET", "/account/password")[0] != 200  # without the cookie: not signed in


def _csrf(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
