"""Rate limits on public forms and the API: a Chinese message and Retry-After; shared via Redis."""
import json
import os
import subprocess
import sys
import uuid
from dataclasses import dataclass

import pytest

from tests.conftest import base_config
from tests.factories import create_booking, create_slot, create_user
from tests.registration.helpers import create_individual_slot, register
from tests.security.conftest import sign_in
from visitorapp import create_app
from visitorapp.accounts.models import Role
from visitorapp.checkin.devices import create_device
from visitorapp.timeutil import utcnow
from visitorapp.waitlist import services as waitlist
from visitorapp.waitlist.models import EntryKind

REDIS = "redis://127.0.0.1:6379"
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture
def app_config(app_config):
    return {**app_config, "RATELIMIT_ENABLED": True, "RATELIMIT_PUBLIC_FORM": "2 per minute",
            "RATELIMIT_API": "3 per minute", "RATELIMIT_RECOVERY": "2 per minute"}


def _assert_limited(response):
    assert response.status_code == 429
    retry = int(response.headers["Retry-After"])
    assert 1 <= retry <= 60


def test_public_booking_form_is_limited_with_chinese_message(client, db):
    slot = create_slot()
    db.session.commit()
    statuses = [client.post(f"/book/{slot.id}", data={}).status_code for _ in range(2)]
    assert statuses == [422, 422]  # re-rendered form with field errors
    response = client.post(f"/book/{slot.id}", data={})
    _assert_limited(response)
    assert "操作过于频繁" in response.get_data(as_text=True)
    # Reading the form is not limited: a teacher can still look while waiting.
    assert client.get(f"/book/{slot.id}").status_code == 200


def test_api_is_limited_with_json_error(client):
    for _ in range(3):
        assert client.get("/api/v1/openapi.json").status_code == 200
    response = client.get("/api/v1/openapi.json")
    _assert_limited(response)
    body = response.get_json()
    assert body["error"] == "rate_limited" and "频繁" in body["message"]


def test_retry_after_is_set_even_with_limiter_headers_off(app_config):
    app = create_app({**app_config, "RATELIMIT_HEADERS_ENABLED": False})
    client = app.test_client()
    for _ in range(3):
        client.get("/api/v1/openapi.json")
    _assert_limited(client.get("/api/v1/openapi.json"))


def test_login_is_limited(app_config):
    app = create_app({**app_config, "RATELIMIT_LOGIN": "2 per minute"})
    client = app.test_client()
    for _ in range(2):
        client.post("/login", data={"username": "x", "password": "y"})
    _assert_limited(client.post("/login", data={"username": "x", "password": "y"}))


# A second app instance in its own process, as a second gunicorn worker or host would be.
SECOND_INSTANCE = """
import json, sys
from visitorapp import create_app
from visitorapp.timeutil import utcnow
config = json.loads(sys.argv[1])
print(create_app(config).test_client().get("/api/v1/openapi.json").status_code)
"""


def _second_instance(config) -> int:
    result = subprocess.run([sys.executable, "-c", SECOND_INSTANCE, json.dumps(config)], cwd=ROOT,
                            capture_output=True, text=True, timeout=60, check=True)
    return int(result.stdout.strip().splitlines()[-1])


def _redis_unreachable() -> str | None:
    import redis
    try:
        redis.Redis.from_url(REDIS, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        return f"Redis not reachable at {REDIS}: {type(exc).__name__}"
    return None


def test_two_instances_share_the_limit_through_redis(tmp_path):
    reason = _redis_unreachable()
    if reason:
        pytest.skip(reason)
    config = {**base_config(f"sqlite:///{tmp_path}/x.sqlite3", str(tmp_path)),
              "RATELIMIT_ENABLED": True, "RATELIMIT_API": "2 per minute",
              "RATELIMIT_STORAGE_URI": REDIS,
              "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}"}  # isolated from other runs
    first = create_app(config).test_client()
    assert [first.get("/api/v1/openapi.json").status_code for _ in range(2)] == [200, 200]
    assert _second_instance(config) == 429
    # Control: with per-process memory storage the second instance would not know.
    memory = {**config, "RATELIMIT_STORAGE_URI": "memory://"}
    first = create_app(memory).test_client()
    assert [first.get("/api/v1/openapi.json").status_code for _ in range(2)] == [200, 200]
    assert _second_instance(memory) == 200


# --- Every limited route: the limit holds for an anonymous client, staff and devices pass ------

@dataclass
class World:
    slot: object
    booking: object
    individual_slot: object
    registration: object
    entry: object
    device_token: str


@pytest.fixture
def world(db):
    slot = create_slot(capacity=42)
    booking = create_booking(slot, students=40, teachers=2)
    individual = create_individual_slot(capacity=1)
    registration = register(individual)
    entry = waitlist.join(individual, EntryKind.INDIVIDUAL, name="候补同学", mobile="13700000001",
                          email="", headcount=1, details={}, now=utcnow())
    _device, token = create_device("限流测试扫码枪", slot.venue)
    db.session.commit()
    return World(slot, booking, individual, registration, entry, token)


#: endpoint → (method, path). Every route with a limit must be here (test below).
LIMITED = {
    "booking.new": ("POST", lambda w: f"/book/{w.slot.id}"),
    "booking.change_headcount": ("POST", lambda w: f"/b/{w.booking.manage_token}/headcount"),
    "booking.cancel": ("POST", lambda w: f"/b/{w.booking.manage_token}/cancel"),
    "booking.move": ("POST", lambda w: f"/b/{w.booking.manage_token}/move"),
    "registration.move": ("POST", lambda w: f"/my/{w.registration.manage_token}/move"),
    "notices.move": ("POST", lambda w: f"/b/{w.booking.manage_token}/notice-move"),
    "notices.move_registration": ("POST", lambda w: f"/my/{w.registration.manage_token}/notice-move"),
    "vehicles.update": ("POST", lambda w: f"/b/{w.booking.manage_token}/vehicles"),
    "registration.new": ("POST", lambda w: f"/r/{w.individual_slot.id}"),
    "registration.cancel": ("POST", lambda w: f"/my/{w.registration.manage_token}/cancel"),
    "waitlist.join_group": ("POST", lambda w: f"/book/{w.slot.id}/waitlist"),
    "waitlist.join_individual": ("POST", lambda w: f"/r/{w.individual_slot.id}/waitlist"),
    "waitlist.accept": ("POST", lambda w: f"/w/{w.entry.token}/accept"),
    "waitlist.leave": ("POST", lambda w: f"/w/{w.entry.token}/leave"),
    "accounts.login": ("POST", lambda w: "/login"),
    "recovery.request_links": ("POST", lambda w: "/recover"),
    "api.openapi": ("GET", lambda w: "/api/v1/openapi.json"),
    "booking_api.slots": ("GET", lambda w: "/api/v1/slots"),
    "booking_api.create_booking": ("POST", lambda w: "/api/v1/bookings"),
    "registration_api.slots": ("GET", lambda w: "/api/v1/registration/slots"),
    "checkin_api.numbers": ("POST", lambda w: "/api/v1/checkins/1/numbers"),
    "checkin_api.search": ("GET", lambda w: "/api/v1/checkins/search?q=TY"),
    "checkin_api.summary_view": ("GET", lambda w: "/api/v1/checkins/summary"),
    "checkin_api.tickets": ("GET", lambda w: "/api/v1/checkins/tickets"),
}
#: Routes of a limited API blueprint that are deliberately not limited, and why.
UNLIMITED = {
    # A gate scan is never refused for speed: a queue of 40 pupils is scanned in a minute.
    "checkin_api.create",
}
#: The sign-in form is the one limited route where signed-in staff are not exempt.
NO_STAFF_EXEMPTION = {"accounts.login"}


def test_every_limited_route_is_in_the_table(app):
    limited = set()
    for endpoint, view in app.view_functions.items():
        blueprint = app.blueprints.get(endpoint.rpartition(".")[0])
        if getattr(view, "rate_limit", None) or getattr(blueprint, "rate_limit", None):
            limited.add(endpoint)
    assert limited - UNLIMITED == set(LIMITED), "add the route to LIMITED (or UNLIMITED, saying why)"


def _message(response) -> str:
    return response.get_json()["message"] if response.is_json else response.get_data(as_text=True)


def _call(client, endpoint, world, **kwargs):
    method, path = LIMITED[endpoint]
    return client.open(path(world), method=method, data={} if method == "POST" else None, **kwargs)


API = {e for e in LIMITED if e.partition(".")[0] in ("api", "booking_api", "registration_api",
                                                      "checkin_api")}


@pytest.mark.parametrize("endpoint", sorted(set(LIMITED) - {"accounts.login"}))  # (own tests)
def test_the_limit_holds_for_an_anonymous_client(client, world, endpoint):
    allowed = 3 if endpoint in API else 2  # RATELIMIT_API, RATELIMIT_PUBLIC_FORM above
    for _ in range(allowed):
        response = _call(client, endpoint, world)
        assert response.status_code not in (429, 500), response.get_data(as_text=True)[:300]
    response = _call(client, endpoint, world)
    _assert_limited(response)
    assert "频繁" in _message(response)
    # Another client is counted apart.
    other = _call(client, endpoint, world, environ_base={"REMOTE_ADDR": "10.9.8.7"})
    assert other.status_code != 429


@pytest.mark.parametrize("endpoint", sorted(set(LIMITED) - NO_STAFF_EXEMPTION))
def test_signed_in_staff_are_exempt(client, world, endpoint, db):
    sign_in(client, create_user(role=Role.ORGANIZER))
    db.session.commit()
    statuses = [_call(client, endpoint, world).status_code for _ in range(6)]
    assert 429 not in statuses and max(statuses) < 500, statuses


@pytest.mark.parametrize("endpoint", sorted(API))
def test_a_gate_device_is_exempt_on_the_api(client, world, endpoint):
    header = {"Authorization": f"Bearer {world.device_token}"}
    statuses = [_call(client, endpoint, world, headers=header).status_code for _ in range(6)]
    assert 429 not in statuses and max(statuses) < 500, statuses


def test_a_revoked_or_made_up_device_token_is_not_exempt(client, world):
    header = {"Authorization": "Bearer gd_made-up-token"}
    statuses = [client.get("/api/v1/slots", headers=header).status_code for _ in range(4)]
    assert statuses[-1] == 429


def test_a_signed_in_organizer_keeps_using_the_slot_list(client, world, db):
    """The bug: /api/v1/slots had its own limit on top of the exempting one (429 after 5 calls)."""
    sign_in(client, create_user(role=Role.ORGANIZER))
    db.session.commit()
    assert {client.get("/api/v1/slots").status_code for _ in range(20)} == {200}


# --- Sign-in: per client, and per account on failures ------------------------------------------

def _login(client, username, password, addr="10.0.0.1"):
    return client.post("/login", data={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": addr})


def test_sign_in_is_limited_per_client_address(app_config):
    app = create_app({**app_config, "RATELIMIT_LOGIN": "3 per minute"})
    client = app.test_client()
    assert [_login(client, "x", "y").status_code for _ in range(3)] == [200] * 3
    _assert_limited(_login(client, "x", "y"))
    assert _login(client, "x", "y", addr="10.0.0.2").status_code == 200  # another client


def test_failed_sign_ins_slow_down_that_account_only(app, client, db):
    app.config["RATELIMIT_LOGIN"] = "100 per minute"
    app.config["RATELIMIT_LOGIN_ACCOUNT"] = "3 per 15 minutes"
    create_user(username="alice"), create_user(username="bob")
    db.session.commit()
    for n in range(3):  # three wrong guesses, from three addresses
        assert _login(client, "alice", "wrong-guess", addr=f"10.1.0.{n}").status_code == 200
    # Now even the right password waits (the guesser cannot tell it was right) …
    response = _login(client, "Alice ", "correct-horse-9", addr="10.2.0.1")
    assert response.status_code == 429 and 1 <= int(response.headers["Retry-After"]) <= 15 * 60
    assert "该账号连续登录失败次数过多" in response.get_data(as_text=True)
    # … while every other account signs in as usual, from the same address as the guesser.
    assert _login(client, "bob", "correct-horse-9", addr="10.1.0.0").status_code == 302


def test_successful_sign_ins_do_not_count_against_the_account(app, client, db):
    app.config["RATELIMIT_LOGIN"] = "100 per minute"
    app.config["RATELIMIT_LOGIN_ACCOUNT"] = "2 per 15 minutes"
    create_user(username="carol")
    db.session.commit()
    for _ in range(4):
        assert _login(client, "carol", "correct-horse-9").status_code == 302
        client.post("/logout")
