"""No 500 from crafted input: bodies nested 50 000 deep, ids no table can hold, dates no week can
have, methods a route does not take. Each gets its clear answer (400/404/405) and changes nothing."""
from datetime import timedelta

import pytest
from werkzeug.routing import IntegerConverter

from tests.factories import create_user
from visitorapp.accounts.models import Role
from visitorapp.checkin.devices import create_device

from .conftest import build_url, forget_request_user, row_counts, sign_in

DEEP = "[" * 50_000 + "]" * 50_000
DEEP_OBJECT = '{"a":' * 50_000 + "1" + "}" * 50_000
#: Past PostgreSQL's INTEGER, past SQLite's 64-bit integer, and far past both.
HUGE = [2**31, 2**63, 10**30]


@pytest.mark.parametrize("body", [DEEP, DEEP_OBJECT, '{"students":' + "[" * 40 + "]" * 40 + "}"])
def test_deeply_nested_json_is_a_400_with_a_chinese_message(client, world, body):
    before = row_counts()
    response = client.post("/api/v1/bookings", data=body, content_type="application/json")
    assert response.status_code == 400
    assert "JSON" in response.get_json()["message"] and "格式" in response.get_json()["message"]
    assert row_counts() == before


def test_deeply_nested_json_to_the_gate_api_is_refused_with_a_message(client, world, db):
    _device, token = create_device("嵌套测试扫码枪", world.slot.venue)
    db.session.commit()
    response = client.post("/api/v1/checkins", data=DEEP, content_type="application/json",
                           headers={"Authorization": f"Bearer {token}"})
    # (the gate API answers every unreadable scan 422 with its reason)
    assert response.status_code in (400, 422) and "JSON" in response.get_json()["message"]


def test_deeply_nested_json_to_a_form_is_a_400(client, world):
    """Flask-WTF reads a JSON body as form data: the same refusal, as a Chinese page."""
    response = client.post(f"/book/{world.slot.id}", data=DEEP, content_type="application/json")
    assert response.status_code == 400 and "格式不正确" in response.get_data(as_text=True)


def _int_rules(app):
    return [r for r in app.url_map.iter_rules()
            if any(isinstance(r._converters[a], IntegerConverter) for a in r.arguments)]


@pytest.mark.parametrize("huge", HUGE)
def test_every_route_with_an_id_answers_404_to_an_id_no_table_can_hold(app, client, world, db,
                                                                       huge):
    sign_in(client, create_user(role=Role.ADMIN))
    db.session.commit()
    before = row_counts()
    failures = []
    rules = _int_rules(app)
    assert len(rules) > 20
    for rule in rules:
        ints = {a: huge for a in rule.arguments
                if isinstance(rule._converters[a], IntegerConverter)}
        url = build_url(app, rule, world, **ints)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            forget_request_user()
            response = client.open(url, method=method)
            if response.status_code != 404:
                failures.append(f"{method} {url}: {response.status_code}")
    assert not failures, failures
    assert row_counts() == before


@pytest.mark.parametrize("path", ["/console/bookings?venue={n}", "/console/bookings?slot={n}",
                                  "/console/bookings?page={n}", "/audit/?page={n}"])
@pytest.mark.parametrize("huge", HUGE)
def test_an_id_parameter_no_table_can_hold_is_a_404(client, world, db, path, huge):
    sign_in(client, create_user(role=Role.ADMIN))
    db.session.commit()
    assert client.get(path.format(n=huge)).status_code == 404


def test_id_parameters_in_range_still_filter(client, world, db):
    sign_in(client, create_user(role=Role.ADMIN))
    db.session.commit()
    page = client.get(f"/console/bookings?venue={world.slot.venue_id}&page=1")
    assert page.status_code == 200 and world.booking.reference in page.get_data(as_text=True)
    assert client.get("/console/bookings?venue=abc").status_code == 200  # not a number: no filter


@pytest.mark.parametrize("huge", HUGE)
def test_a_move_to_a_slot_id_no_table_can_hold_changes_nothing(client, world, huge):
    before = row_counts()
    response = client.post(f"/b/{world.booking.manage_token}/move", data={"slot_id": str(huge)})
    assert response.status_code < 500
    assert row_counts() == before


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1999-12-31", "3000-01-01"])
@pytest.mark.parametrize("path", ["/console/?day={d}", "/console/bookings?day={d}",
                                  "/audit/?since={d}", "/audit/?until={d}",
                                  "/reports/exports?day={d}", "/reports/exports/bookings.csv?day={d}",
                                  "/reports/exports/attendance.xlsx?day={d}",
                                  "/reports/roster?day={d}", "/reports/roster.csv?day={d}"])
def test_a_date_no_week_can_have_is_a_400_with_the_range(client, world, db, path, day):
    sign_in(client, create_user(role=Role.ADMIN))
    db.session.commit()
    response = client.get(path.format(d=day))
    assert response.status_code == 400, response.status_code
    assert "2000-01-01 至 2999-12-31" in response.get_data(as_text=True)


def test_dates_in_range_still_work(client, world, db):
    sign_in(client, create_user(role=Role.ADMIN))
    db.session.commit()
    day = world.slot.local_day
    page = client.get(f"/console/bookings?day={day:%Y-%m-%d}")
    assert page.status_code == 200 and world.booking.reference in page.get_data(as_text=True)
    other = day + timedelta(days=1)
    assert world.booking.reference not in client.get(
        f"/console/bookings?day={other:%Y-%m-%d}").get_data(as_text=True)
    assert client.get(f"/reports/roster?day={day:%Y-%m-%d}").status_code == 200
    assert client.get("/console/bookings?day=not-a-date").status_code == 200  # ignored, as before


@pytest.mark.parametrize("method, path, allowed", [
    ("DELETE", "/book", {"GET"}),
    ("PUT", "/api/v1/bookings", {"POST"}),
    ("TRACE", "/api/v1/slots", {"GET"}),
    ("PATCH", "/login", {"GET", "POST"}),
])
def test_405_lists_the_allowed_methods(client, world, method, path, allowed):
    response = client.open(path, method=method)
    assert response.status_code == 405
    listed = {m.strip() for m in response.headers["Allow"].split(",")}
    assert allowed <= listed and method not in listed
    text = response.get_json()["message"] if response.is_json else response.get_data(as_text=True)
    assert "不支持此请求方式" in text


def test_the_apis_401_is_json_in_chinese(client):
    response = client.get("/api/v1/checkins/summary")
    assert response.status_code == 401 and response.is_json
    assert response.get_json()["message"] == "请先登录，或提供有效的设备令牌。"


@pytest.mark.parametrize("huge", HUGE)
def test_account_forms_refuse_a_department_or_venue_no_table_can_hold(client, world, db, huge):
    sign_in(client, create_user(role=Role.ADMIN))
    gate = create_user(role=Role.GATE, venues=[world.slot.venue])
    db.session.commit()
    before = row_counts()
    forms = [("/accounts/users", {"username": "gate-new", "password": "long-enough-1", "role": "gate",
                                  "department_id": huge, "venue_ids": [huge]}),
             (f"/accounts/users/{gate.id}", {"role": "reporter", "department_id": huge}),
             (f"/accounts/users/{gate.id}", {"role": "gate", "department_id": 0, "venue_ids": [huge]})]
    for url, data in forms:
        forget_request_user()
        response = client.post(url, data=data)
        assert response.status_code == 200, (url, response.status_code)  # the form, with its error
        assert "error" in response.get_data(as_text=True)
    assert row_counts() == before


@pytest.mark.parametrize("field, value", [("token", "HC1-\x00AAAA"), ("local_result", "ok\x00")])
def test_control_characters_in_a_scan_are_refused_not_a_database_error(client, world, db, field,
                                                                       value):
    """A NUL byte once reached PostgreSQL (which refuses it in text) and answered 500."""
    _device, secret = create_device("控制字符扫码枪", world.slot.venue)
    db.session.commit()
    before = row_counts()
    body = {"token": "HC1-AAAAAAAAAAAAAAAA-AAAAAAAAAAAAA", "client_id": "nul-probe-0001",
            "offline": True, field: value}
    response = client.post("/api/v1/checkins", json=body,
                           headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 422 and response.get_json()["field"] == field
    assert row_counts() == before
