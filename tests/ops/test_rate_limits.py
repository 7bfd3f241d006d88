"""Rate limits on public forms and the API: a Chinese message and Retry-After; shared via Redis."""
import json
import os
import subprocess
import sys
import uuid

import pytest

from tests.conftest import base_config
from tests.factories import create_slot
from visitorapp import create_app

REDIS = "redis://127.0.0.1:6379"
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture
def app_config(app_config):
    return {**app_config, "RATELIMIT_ENABLED": True, "RATELIMIT_PUBLIC_FORM": "2 per minute",
            "RATELIMIT_API": "3 per minute"}


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


def test_signed_in_staff_are_not_limited_on_the_api(client, db):
    from tests.factories import create_user
    from tests.security.conftest import sign_in
    user = create_user()
    db.session.commit()
    sign_in(client, user)
    assert [client.get("/api/v1/openapi.json").status_code for _ in range(5)] == [200] * 5
