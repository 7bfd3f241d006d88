"""Oversized and malformed requests: 413/400 with a Chinese message, nothing stored."""
import pytest

from visitorapp import create_app

from . import routes
from .conftest import build_url, forget_request_user, row_counts, sign_in, write_rules

LIMIT = 64 * 1024


@pytest.fixture
def app_config(app_config):
    return {**app_config, "MAX_CONTENT_LENGTH": LIMIT}


def test_oversized_body_on_every_write_route_is_413(app_config, world):
    # CSRF on, as in production: the CSRF check reads every form body, so even a view that
    # ignores its body (logout) refuses an oversized one.
    app = create_app({**app_config, "WTF_CSRF_ENABLED": True})
    before = row_counts()
    failures = []
    big = "长" * (LIMIT // 2)  # 3 bytes each in UTF-8: 1.5 x the limit
    for rule, method in write_rules(app):
        url = build_url(app, rule, world)
        if rule.rule.startswith("/api/"):
            response = app.test_client().open(url, method=method, json={"notes": big})
        else:
            response = app.test_client().open(url, method=method, data={"notes": big})
        body = response.get_json(silent=True)
        text = body.get("message", "") if body else response.get_data(as_text=True)
        guarded = isinstance(routes.ACCESS.get(rule.endpoint), routes.Staff) and \
            not routes.ACCESS[rule.endpoint].declared
        if guarded and response.status_code == 401:
            continue  # refused before the body is read (no device token): nothing stored either
        if response.status_code != 413 or "过大" not in text:
            failures.append(f"{method} {rule.rule}: {response.status_code}")
    assert not failures, failures
    assert row_counts() == before


def test_oversized_upload_is_413(app, client, world):
    from io import BytesIO
    response = client.post(f"/book/{world.slot.id}",
                           data={"file": (BytesIO(b"\0" * (LIMIT + 1)), "cv.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 413 and "内容过大" in response.get_data(as_text=True)


@pytest.mark.parametrize("students, teachers", [("abc", "2"), ("-5", "1"), ("1e9", "1"),
                                                 ("", ""), ("２０", "2x"), ("99999999999999999999", "1")])
def test_malformed_numbers_are_refused_with_chinese_messages(client, db, world, students, teachers):
    before = row_counts()
    response = client.post(f"/book/{world.slot.id}", data={
        "slot_id": world.slot.id, "school_name": "长沙市格式中学", "school_stage": "junior",
        "students": students, "teachers": teachers, "leader_name": "赵老师",
        "leader_mobile": "13912345678", "privacy": "y"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and ("人数" in html and "error" in html)
    assert row_counts() == before


def test_invalid_utf8_and_broken_multipart_do_not_crash(client, db, world):
    before = row_counts()
    bad = client.post(f"/book/{world.slot.id}", data=b"school_name=\xff\xfe\xfa&students=\xc3",
                      content_type="application/x-www-form-urlencoded")
    assert bad.status_code in (400, 422)
    broken = client.post(f"/book/{world.slot.id}", data=b"--xx\r\nContent-Disposition: form-da",
                         content_type="multipart/form-data; boundary=xx")
    assert broken.status_code in (400, 422)
    assert row_counts() == before


def test_malformed_json_on_every_api_write_route_is_400_or_422(app, world, users):
    from visitorapp.accounts.models import Role
    failures = []
    for rule, method in write_rules(app):
        if not rule.rule.startswith("/api/"):
            continue
        url = build_url(app, rule, world)
        for body in (b"{not json", b"[]", b'"x"', b'{"students": "many"}'):
            client = app.test_client()
            sign_in(client, users[Role.ORGANIZER])  # past the guard of staff/device API routes
            forget_request_user()
            response = client.open(url, method=method, data=body, content_type="application/json")
            payload = response.get_json(silent=True) or {}
            if response.status_code not in (400, 401, 404, 409, 422) or not payload.get("message"):
                failures.append(f"{method} {rule.rule} {body!r}: {response.status_code}")
    assert not failures, failures
