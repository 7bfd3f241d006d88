"""Security headers on every kind of response, session cookie flags, no inline script anywhere."""
import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def _csp(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part for part in (p.strip() for p in policy.split(";")) if part}


@pytest.mark.parametrize("path", ["/", "/book", "/login", "/privacy", "/no-such-page",
                                  "/api/v1/openapi.json", "/healthz"])
def test_security_headers(client, path):
    response = client.get(path)
    csp = _csp(response)
    # Our own script files only: no inline script, no eval, no nonce that nothing uses.
    assert csp["script-src"] == "script-src 'self'"
    assert csp["frame-ancestors"] == "frame-ancestors 'none'"
    assert csp["object-src"] == "object-src 'none'"
    assert "form-action 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] in ("same-origin", "strict-origin-when-cross-origin",
                                                   "no-referrer")
    assert response.headers["X-Frame-Options"] == "DENY"


INLINE_SCRIPT = r"<script(?![^>]*\bsrc=)[^>]*>"


def test_pages_with_scripts_load_them_from_files_only(client, db):
    """What the browser gets obeys the policy: script files, never an inline script it would
    block (the booking form, its confirmation and management page, the ticket, recovery)."""
    from tests.factories import create_booking, create_slot
    from visitorapp.tickets.tokens import token_for
    booking = create_booking(create_slot())
    db.session.commit()
    for path in (f"/book/{booking.slot_id}", f"/b/{booking.manage_token}/confirmed",
                 f"/b/{booking.manage_token}", f"/ticket/{token_for(booking)}", "/recover"):
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.get_data(as_text=True)
        assert re.search(r"<script[^>]*\bsrc=", html), path
        assert not re.findall(INLINE_SCRIPT, html) and not re.search(r"\son[a-z]+\s*=", html), path


def test_templates_have_no_inline_handlers_or_scripts():
    problems = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text("utf-8")
        if re.search(r"\son[a-z]+\s*=", text):
            problems.append(f"{path.name}: inline event handler")
        if re.search(r'href\s*=\s*["\']javascript:', text, re.I):
            problems.append(f"{path.name}: javascript: URL")
        if re.search(INLINE_SCRIPT, text):
            problems.append(f"{path.name}: inline <script> (the policy allows script files only)")
    assert not problems, problems


def _session_cookie(response):
    cookies = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("session=")]
    assert cookies, "no session cookie set"
    return cookies[0]


def test_session_cookie_flags(client, db, login):
    from tests.factories import create_user
    response = login(create_user())
    cookie = _session_cookie(response)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain-HTTP development


@pytest.fixture
def secure_config(app_config):
    return {**app_config, "SESSION_COOKIE_SECURE": True, "REMEMBER_COOKIE_SECURE": True}


def test_session_cookie_secure_when_configured(secure_config, db):
    from tests.factories import create_user
    from visitorapp import create_app
    app = create_app(secure_config)
    with app.app_context():
        user = create_user()
        db.session.commit()
        client = app.test_client()
        response = client.post("/login", data={"username": user.username,
                                               "password": "correct-horse-9", "remember": "y"})
        assert response.status_code == 302
        cookie = _session_cookie(response)
        assert "Secure" in cookie and "HttpOnly" in cookie
        remember = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("remember_token=")]
        assert remember and "Secure" in remember[0] and "HttpOnly" in remember[0]
        db.session.remove()
