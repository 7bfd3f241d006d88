"""SQL-injection strings in query and path parameters: no error, no data from elsewhere."""
import re

import pytest

from .conftest import build_url, row_counts

SQLI = ["' OR '1'='1", "1; DROP TABLE booking; --", "1 UNION SELECT username, password_hash FROM user",
        "%27%20OR%201=1--", "\\x00'", "1' AND SLEEP(5)--", "2026-05-13' OR 1=1 --"]
#: Query parameter names the app reads somewhere (extend when a search box lands).
PARAMS = ("day", "q", "page", "status", "venue", "slot", "date", "next", "sort")


@pytest.mark.parametrize("payload", SQLI)
def test_every_get_route_survives_injection_in_query_params(app, world, payload):
    before = row_counts()
    failures = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        url = build_url(app, rule, world)
        response = app.test_client().get(url, query_string={p: payload for p in PARAMS})
        if response.status_code >= 500:
            failures.append(f"{url}: {response.status_code}")
        if response.mimetype.startswith(("text/", "application/json")) and \
                re.search(r"(scrypt|pbkdf2):[^\s\"<]*\$", response.get_data(as_text=True)):
            failures.append(f"{url}: leaked")
    assert not failures, failures
    assert row_counts() == before


@pytest.mark.parametrize("payload", SQLI)
def test_injection_in_path_tokens_and_login(app, client, world, payload):
    assert client.get(f"/b/{payload}").status_code == 404
    response = client.post("/login", data={"username": payload, "password": payload})
    assert response.status_code == 200  # the form again, with a Chinese error
    assert "错误" in response.get_data(as_text=True) or "用户名" in response.get_data(as_text=True)
    with client.session_transaction() as session:
        assert "_user_id" not in session
