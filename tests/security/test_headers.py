"""Security headers on every kind of response, session cookie flags, no inline script in templates."""
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
    script = csp["script-src"]
    assert "'unsafe-inline'" not in script and "'unsafe-eval'" not in script
    assert "'self'" in script
    assert csp["frame-ancestors"] == "frame-ancestors 'none'"
    assert csp["object-src"] == "object-src 'none'"
    assert "form-action 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] in ("same-origin", "strict-origin-when-cross-origin",
                                                   "no-referrer")
    assert response.headers["X-Frame-Options"] == "DENY"


def test_nonce_changes_per_response_and_matches_inline_scripts(client):
    nonces = set()
    for _ in range(2):
        response = client.get("/")
        match = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"])
        if match:
            nonces.add(match.group(1))
            for tag in re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", response.get_data(as_text=True)):
                assert f'nonce="{match.group(1)}"' in tag
    assert len(nonces) in (0, 2)


def test_templates_have_no_inline_handlers_and_only_nonced_inline_scripts():
    problems = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text("utf-8")
        if re.search(r"\son[a-z]+\s*=", text):
            problems.append(f"{path.name}: inline event handler")
        if re.search(r'href\s*=\s*["\']javascript:', text, re.I):
            problems.append(f"{path.name}: javascript: URL")
        for tag in re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", text):
            if "csp_nonce()" not in tag:
                problems.append(f"{path.name}: inline <script> without nonce")
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
