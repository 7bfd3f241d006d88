"""Behind a real nginx (Debian's package) configured as docs/deployment.md says, in front of
gunicorn with TRUSTED_PROXIES=1: each phone gets its own rate-limit bucket, a client cannot pick
its bucket with a spoofed X-Forwarded-For, the logs and the audit name the real client, and no
token reaches nginx's or gunicorn's log.

Clients are told apart by their source address: the whole of 127.0.0.0/8 is this machine, so a
socket bound to 127.0.0.21 reaches nginx as a client at 127.0.0.21. nginx runs unprivileged-
friendly: its own prefix, temp directories and logs under the test's tmp directory, a free port,
no daemon and no master process.
"""
import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.factories import create_edition, create_event, create_slot, create_user
from visitorapp.accounts.models import Role
from visitorapp.audit.models import AuditEntry

ROOT = Path(__file__).resolve().parents[2]
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
DOCS = ROOT / "docs" / "deployment.md"
PASSWORD = "correct-horse-9"


def _nginx_missing() -> str | None:
    if not os.access(NGINX, os.X_OK):
        return f"nginx is not installed ({NGINX}); .ci/run installs Debian's package"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def documented_nginx() -> dict:
    """The pieces of the nginx configuration in docs/deployment.md this test runs."""
    block = re.search(r"```nginx\n(.*?)```", DOCS.read_text("utf-8"), re.DOTALL).group(1)
    return {
        "map": re.search(r"^map \$uri .*?^\}", block, re.MULTILINE | re.DOTALL).group(0),
        "log_format": re.search(r"^log_format visitorapp .*?;$", block, re.MULTILINE).group(0),
        "headers": re.findall(r"^\s*(proxy_set_header .*;)$", block, re.MULTILINE),
    }


def test_the_documented_nginx_sets_exactly_the_headers_the_app_trusts():
    headers = {line.split()[1] for line in documented_nginx()["headers"]}
    # ProxyFix with x_for and x_proto (visitorapp.trust_proxies), and the Host nginx answers for.
    assert headers == {"Host", "X-Forwarded-For", "X-Forwarded-Proto"}
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in documented_nginx()["headers"]


@pytest.fixture
def stack(tmp_path, database_url, db):
    """gunicorn (1 worker, TRUSTED_PROXIES=1) behind nginx; yields the nginx port and log paths."""
    reason = _nginx_missing()
    if reason:
        pytest.skip(reason)
    # gunicorn runs on the machine's clock while this process may live at VISITORAPP_TEST_NOW:
    # a week far ahead, open for booking since long ago, is bookable for both.
    slot = create_slot(create_event(create_edition(
        starts_on=date(2990, 5, 9), booking_opens_at=datetime(2000, 1, 1, tzinfo=UTC))),
        capacity=500)
    admin = create_user(role=Role.ADMIN, username="proxy-admin")
    db.session.commit()
    app_port, nginx_port = _free_port(), _free_port()
    logs = {"gunicorn": tmp_path / "gunicorn-access.log", "nginx": tmp_path / "nginx-access.log"}
    env = {**os.environ,
           "GUNICORN_BIND": f"127.0.0.1:{app_port}", "GUNICORN_WORKERS": "1",
           "GUNICORN_ACCESSLOG": str(logs["gunicorn"]),
           "GUNICORN_ERRORLOG": str(tmp_path / "gunicorn-error.log"),
           "VISITORAPP_DATABASE_URL": database_url, "VISITORAPP_SECRET_KEY": "proxy-test-key",
           "VISITORAPP_TRUSTED_PROXIES": "1", "VISITORAPP_RATELIMIT_STORAGE_URI": "memory://",
           "VISITORAPP_RATELIMIT_API": '"3 per minute"', "VISITORAPP_MAIL_SUPPRESS_SEND": "true"}
    env.pop("VISITORAPP_TEST_DATABASE_URL", None)
    gunicorn = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py",
                                 "wsgi:app"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
    pieces = documented_nginx()
    prefix = tmp_path / "nginx"
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (prefix / sub).mkdir(parents=True)
    headers = "\n        ".join(pieces["headers"])
    (prefix / "nginx.conf").write_text(f"""
daemon off;
master_process off;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log;
events {{ worker_connections 64; }}
http {{
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    {pieces["map"]}
    {pieces["log_format"]}
    server {{
        listen 127.0.0.1:{nginx_port};
        access_log {logs["nginx"]} visitorapp;
        {headers}
        location / {{ proxy_pass http://127.0.0.1:{app_port}; }}
    }}
}}
""")
    nginx = subprocess.Popen([NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf"),
                              "-e", str(prefix / "error.log")],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _wait_until_up(nginx_port, nginx, gunicorn, prefix)
        yield {"port": nginx_port, "logs": logs, "slot": slot, "admin": admin}
    finally:
        for process in (nginx, gunicorn):
            process.terminate()
        for process in (nginx, gunicorn):
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def _wait_until_up(port, nginx, gunicorn, prefix):
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if nginx.poll() is not None:
            pytest.fail(f"nginx stopped: {nginx.stderr.read().decode()[-2000:]}")
        if gunicorn.poll() is not None:
            pytest.fail("gunicorn stopped at start-up")
        try:
            if Client(port, "127.0.0.1").get("/healthz").status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    pytest.fail(f"nginx/gunicorn did not answer within 30 s: "
                f"{(prefix / 'error.log').read_text()[-2000:]}")


class Response:
    def __init__(self, raw: http.client.HTTPResponse):
        self.status = raw.status
        self.headers = raw.headers
        self.text = raw.read().decode("utf-8", "replace")


class Client:
    """A phone at its own address (its sockets bind to that source address), with cookies."""

    def __init__(self, port: int, address: str):
        self.port, self.address, self.cookies = port, address, {}

    def request(self, method, path, body=None, headers=None) -> Response:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30,
                                                source_address=(self.address, 0))
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if isinstance(body, dict):
            from urllib.parse import urlencode
            body = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = Response(connection.getresponse())
        finally:
            connection.close()
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return response

    def get(self, path, headers=None) -> Response:
        return self.request("GET", path, headers=headers)

    def post_form(self, page, data, action=None) -> Response:
        """GET the page for its CSRF token and cookie, then POST the form like a browser."""
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', self.get(page).text).group(1)
        return self.request("POST", action or page, body={"csrf_token": token, **data})


def test_distinct_forwarded_clients_get_distinct_buckets(stack):
    port = stack["port"]
    for n in range(21, 24):  # three phones, RATELIMIT_API = 3 per minute each
        phone = Client(port, f"127.0.0.{n}")
        assert [phone.get("/api/v1/openapi.json").status for _ in range(3)] == [200] * 3
        assert phone.get("/api/v1/openapi.json").status == 429
    # The measurement: 25 schools posting the booking form in one minute (each once),
    # and 12 staff signing in, all reach the app — none is refused for the others' requests.
    slot = stack["slot"]
    statuses = [Client(port, f"127.0.1.{n}").post_form(f"/book/{slot.id}", {"school_name": "x"})
                .status for n in range(1, 26)]
    assert statuses == [422] * 25  # the form's own answer (fields missing), never 429
    logins = [Client(port, f"127.0.2.{n}").post_form("/login", {"username": f"staff{n}",
                                                               "password": "wrong"}).status
              for n in range(1, 13)]
    assert logins == [200] * 12


def test_a_spoofed_x_forwarded_for_does_not_buy_a_new_bucket(stack):
    spoofer = Client(stack["port"], "127.0.0.31")
    statuses = [spoofer.get("/api/v1/openapi.json",
                            headers={"X-Forwarded-For": f"203.0.113.{n}, 198.51.100.{n}"}).status
                for n in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    # A client claiming HTTPS is not believed either (nginx sets X-Forwarded-Proto itself).
    response = spoofer.get("/healthz", headers={"X-Forwarded-Proto": "https",
                                                "X-Forwarded-Ssl": "on"})
    assert "Strict-Transport-Security" not in response.headers


def test_logs_and_audit_name_the_real_client_and_no_token(stack, db):
    port, logs = stack["port"], stack["logs"]
    secret = uuid.uuid4().hex
    visitor = Client(port, "127.0.0.41")
    for path in (f"/b/{secret}", f"/my/{secret}/move", f"/w/{secret}", f"/ticket/{secret}.png"):
        assert visitor.get(path).status == 404
    admin = Client(port, "127.0.0.42")
    assert admin.post_form("/login", {"username": "proxy-admin", "password": PASSWORD}).status == 302
    changed = admin.post_form("/account/password", {
        "current_password": PASSWORD, "password": "new-password-42", "confirm": "new-password-42"})
    assert changed.status == 302
    db.session.expire_all()
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "user.change_password"))
    assert entry.client == "127.0.0.42" and entry.actor == "proxy-admin"
    time.sleep(0.3)  # gunicorn writes its access log line after the response
    for name, path in logs.items():
        text = path.read_text()
        assert secret not in text, f"{name} logged a token"
        assert "/b/***" in text and "/my/***/move" in text and "/w/***" in text, name
        assert re.search(r"^127\.0\.0\.41 .*/ticket/\*\*\*", text, re.MULTILINE), name
        assert re.search(r"^127\.0\.0\.42 ", text, re.MULTILINE), name
