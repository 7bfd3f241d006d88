"""Revocable sessions over HTTP: sign-out, a password change or reset and deactivation end every
session and remember cookie of that account; no sign-in outlives 14 days; Secure cookies and HSTS
under HTTPS; an unknown username costs the same hash check as a known one."""
from datetime import datetime, timedelta

import pytest
from werkzeug import security

from tests.factories import create_user
from tests.security.conftest import forget_request_user
from visitorapp import create_app
from visitorapp.accounts.models import Role
from visitorapp.timeutil import TZ

PASSWORD = "correct-horse-9"
STAFF_PAGE = "/account/password"  # any page that needs a signed-in account


def sign_in(app, user, remember=False, password=PASSWORD):
    """A separate browser (its own cookie jar) signed in through the login form."""
    browser = app.test_client()
    forget_request_user()
    response = browser.post("/login", data={"username": user.username, "password": password,
                                            "remember": "y" if remember else ""})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return browser


def signed_in(browser) -> bool:
    forget_request_user()  # the test app context is shared: do not reuse the last request's user
    return browser.get(STAFF_PAGE).status_code == 200


def with_only_the_remember_cookie(app, browser):
    """The remember cookie copied into a fresh browser (a closed browser, or a lifted cookie)."""
    other = app.test_client()
    other.set_cookie("remember_token", browser.get_cookie("remember_token").value)
    return other


@pytest.fixture
def organizer(db):
    user = create_user(role=Role.ORGANIZER)
    db.session.commit()
    return user


def test_the_remember_cookie_signs_in_a_fresh_browser(app, organizer):
    phone = sign_in(app, organizer, remember=True)
    assert signed_in(with_only_the_remember_cookie(app, phone))


def test_sign_out_ends_every_session_and_remember_cookie_of_the_account(app, organizer):
    phone, desk = sign_in(app, organizer, remember=True), sign_in(app, organizer)
    lifted = with_only_the_remember_cookie(app, phone)
    assert signed_in(phone) and signed_in(desk) and signed_in(lifted)
    forget_request_user()
    response = desk.post("/logout", follow_redirects=True)
    assert "其他设备上的登录也已同时退出" in response.get_data(as_text=True)
    assert not signed_in(desk) and not signed_in(phone)
    assert not signed_in(with_only_the_remember_cookie(app, phone)) and not signed_in(lifted)
    assert signed_in(sign_in(app, organizer))  # signing in again works as before


def test_an_admin_password_reset_ends_every_session(app, db, organizer):
    phone = sign_in(app, organizer, remember=True)
    admin = sign_in(app, create_user(role=Role.ADMIN))
    forget_request_user()
    response = admin.post(f"/accounts/users/{organizer.id}/password",
                          data={"pw-password": "a-new-password-2"})
    assert response.status_code == 302
    assert not signed_in(phone) and not signed_in(with_only_the_remember_cookie(app, phone))
    assert signed_in(admin)  # the admin's own session is untouched
    assert signed_in(sign_in(app, organizer, password="a-new-password-2"))


def test_changing_ones_own_password_signs_out_the_other_devices_only(app, organizer):
    phone, desk = sign_in(app, organizer, remember=True), sign_in(app, organizer, remember=True)
    forget_request_user()
    assert desk.get("/account/password").status_code == 200
    forget_request_user()
    refused = desk.post("/account/password", data={
        "current_password": "not-my-password", "password": "brand-new-pass-3",
        "confirm": "brand-new-pass-3"})
    assert refused.status_code == 422 and "当前密码不正确" in refused.get_data(as_text=True)
    forget_request_user()
    mismatch = desk.post("/account/password", data={
        "current_password": PASSWORD, "password": "brand-new-pass-3", "confirm": "other-pass-44"})
    assert mismatch.status_code == 422 and "两次输入的新密码不一致" in mismatch.get_data(as_text=True)
    assert signed_in(phone)  # refused changes end nothing
    forget_request_user()
    response = desk.post("/account/password", data={
        "current_password": PASSWORD, "password": "brand-new-pass-3", "confirm": "brand-new-pass-3"})
    assert response.status_code == 302
    assert signed_in(desk)
    assert not signed_in(phone) and not signed_in(with_only_the_remember_cookie(app, phone))
    # This browser got a fresh remember cookie that works on its own.
    assert signed_in(with_only_the_remember_cookie(app, desk))


def test_deactivation_ends_every_session_and_reactivation_does_not_revive_them(app, organizer):
    phone = sign_in(app, organizer, remember=True)
    admin = sign_in(app, create_user(role=Role.ADMIN))
    forget_request_user()
    assert admin.post(f"/accounts/users/{organizer.id}/deactivate").status_code == 302
    assert not signed_in(phone)
    forget_request_user()
    assert admin.post(f"/accounts/users/{organizer.id}/activate").status_code == 302
    assert not signed_in(phone) and not signed_in(with_only_the_remember_cookie(app, phone))


def test_a_sign_in_lasts_at_most_14_days_even_with_a_replayed_cookie(app, organizer, time_machine):
    signed_at = datetime(2027, 5, 3, 8, 0, tzinfo=TZ)
    time_machine.move_to(signed_at, tick=False)
    phone = sign_in(app, organizer, remember=True)
    cookie = phone.get_cookie("remember_token")
    assert cookie.expires is not None
    assert cookie.expires - signed_at <= timedelta(days=14, seconds=1)
    time_machine.move_to(signed_at + timedelta(days=13, hours=23), tick=False)
    assert signed_in(phone) and signed_in(with_only_the_remember_cookie(app, phone))
    time_machine.move_to(signed_at + timedelta(days=14, hours=1), tick=False)
    # The browser would have dropped the cookie; a copy replayed by hand is refused all the same.
    assert not signed_in(with_only_the_remember_cookie(app, phone))
    assert not signed_in(phone)


def test_a_longer_configured_remember_duration_is_capped_at_14_days(app_config):
    app = create_app({**app_config, "REMEMBER_COOKIE_DURATION": 365 * 86400})
    assert app.config["REMEMBER_COOKIE_DURATION"] == timedelta(days=14)


def test_a_session_id_from_before_session_versions_is_refused(app, client, organizer):
    with client.session_transaction() as session:
        session["_user_id"] = str(organizer.id)  # the old format: the id alone
    assert not signed_in(client)


# --- HTTPS: Secure on every cookie, HSTS ------------------------------------------------------

@pytest.fixture
def https_app(app_config):
    return create_app({**app_config, "PREFERRED_URL_SCHEME": "https"})


def test_under_https_every_cookie_is_secure_and_responses_carry_hsts(https_app, db):
    with https_app.app_context():
        user = create_user()
        db.session.commit()
        browser = https_app.test_client()
        response = browser.post("/login", base_url="https://visit.example.edu.cn", data={
            "username": user.username, "password": PASSWORD, "remember": "y"})
        assert response.status_code == 302
        cookies = response.headers.getlist("Set-Cookie")
        assert {c.split("=")[0] for c in cookies} >= {"session", "remember_token"}
        assert all("; Secure" in c for c in cookies), cookies
        assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
        page = browser.get("/", base_url="https://visit.example.edu.cn")
        assert page.headers["Strict-Transport-Security"] == "max-age=31536000"
        db.session.remove()


def test_plain_http_gets_no_hsts_and_development_cookies_are_not_secure(client, db, login):
    response = login(create_user())
    assert "Strict-Transport-Security" not in response.headers
    assert all("Secure" not in c for c in response.headers.getlist("Set-Cookie"))


def test_the_https_flag_can_be_set_directly(app_config):
    app = create_app({**app_config, "HTTPS": True})
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]


# --- Unknown usernames cost the same hash check -----------------------------------------------

def test_an_unknown_username_costs_the_same_password_hash_check(client, db, monkeypatch):
    known = create_user(username="known-user")
    db.session.commit()
    checked = []
    real_check = security.check_password_hash

    def spy(pwhash, password):
        checked.append(pwhash.split("$")[0])  # the method and its cost parameters
        return real_check(pwhash, password)

    monkeypatch.setattr(security, "check_password_hash", spy)
    for username in ("known-user", "nobody-by-this-name"):
        response = client.post("/login", data={"username": username, "password": "wrong-pass-1"})
        assert "用户名或密码错误" in response.get_data(as_text=True)
    method = known.password_hash.split("$")[0]
    assert checked == [method, method]  # one check each, of the same kind and cost
