"""CSRF: every HTML form POST without a valid token is refused (400, Chinese) and changes nothing."""
import re

import pytest

from .conftest import build_url, forget_request_user, row_counts, sign_in, write_rules


@pytest.fixture
def app_config(app_config):
    return {**app_config, "WTF_CSRF_ENABLED": True}


def _form_rules(app):
    return [(rule, method) for rule, method in write_rules(app) if not rule.rule.startswith("/api/")]


def valid_booking_form(slot_id):
    return {"slot_id": slot_id, "school_name": "长沙市跨站中学", "school_stage": "junior",
            "grades": "七年级", "students": 20, "teachers": 2, "leader_name": "李老师",
            "leader_mobile": "13912345678", "privacy": "y"}


@pytest.mark.parametrize("token", [None, "forged-token", "IjEyMyI.aaaa.bbbb"])
def test_every_form_post_without_a_valid_token_is_refused(app, db, world, users, token):
    """Anonymous and signed-in alike: the CSRF check runs before the view."""
    assert _form_rules(app), "no form routes found"
    failures = []
    for signed_in in (False, True):
        client = app.test_client()
        if signed_in:
            sign_in(client, users[next(iter(users))])
        for rule, method in _form_rules(app):
            before = row_counts()
            data = {**valid_booking_form(world.slot.id), "reason": "x"}
            if token:
                data["csrf_token"] = token
            forget_request_user()
            response = client.open(build_url(app, rule, world), method=method, data=data)
            text = response.get_data(as_text=True)
            if response.status_code != 400 or "页面已过期" not in text:
                failures.append(f"{method} {rule.rule}: {response.status_code}")
            if row_counts() != before:
                failures.append(f"{method} {rule.rule}: rows changed without a CSRF token")
    db.session.refresh(world.slot)
    assert world.slot.booked == 42  # only the world's own booking
    assert not failures, failures


def test_the_same_post_with_the_pages_token_succeeds(app, client, db, world):
    """Control: the refusal above is the CSRF check, not a broken form."""
    page = client.get(f"/book/{world.slot.id}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(f"/book/{world.slot.id}",
                           data={**valid_booking_form(world.slot.id), "csrf_token": token})
    assert response.status_code == 302 and "/b/" in response.headers["Location"]
    assert row_counts()["booking"] == 2
