"""TRUSTED_PROXIES: how many reverse proxies' X-Forwarded-For/-Proto entries the app believes.
(tests/ops/test_nginx.py runs the real thing; these pin the setting's edges.)"""
import pytest

from visitorapp import create_app


def _limited_app(app_config, **settings):
    return create_app({**app_config, "RATELIMIT_ENABLED": True, "RATELIMIT_API": "2 per minute",
                       **settings})


def _statuses(client, forwarded_for: list[str]) -> list[int]:
    return [client.get("/api/v1/openapi.json", headers={"X-Forwarded-For": value}).status_code
            for value in forwarded_for]


def test_by_default_no_header_is_believed(app_config):
    client = _limited_app(app_config).test_client()
    # Without a proxy in front, X-Forwarded-For is whatever the client wrote: one bucket.
    assert _statuses(client, ["10.0.0.1", "10.0.0.2", "10.0.0.3"]) == [200, 200, 429]


def test_one_proxy_each_forwarded_client_counts_alone(app_config):
    client = _limited_app(app_config, TRUSTED_PROXIES=1).test_client()
    assert _statuses(client, ["10.0.0.1", "10.0.0.1", "10.0.0.1"]) == [200, 200, 429]
    assert _statuses(client, ["10.0.0.2"]) == [200]
    # What a client wrote itself stays left of the address the proxy appended: ignored.
    assert _statuses(client, ["1.1.1.1, 10.0.0.1", "2.2.2.2, 10.0.0.1"]) == [429, 429]


def test_two_proxies_the_second_entry_from_the_right_is_the_client(app_config):
    client = _limited_app(app_config, TRUSTED_PROXIES=2).test_client()
    assert _statuses(client, ["10.0.0.7, 172.16.0.1"] * 2 + ["10.0.0.8, 172.16.0.1"]) == [200, 200, 200]


def test_https_at_the_proxy_means_hsts_and_only_from_the_proxy(app_config):
    proxied = create_app({**app_config, "TRUSTED_PROXIES": 1}).test_client()
    assert proxied.get("/", headers={"X-Forwarded-Proto": "https"}).headers[
        "Strict-Transport-Security"] == "max-age=31536000"
    direct = create_app(app_config).test_client()
    assert "Strict-Transport-Security" not in direct.get(
        "/", headers={"X-Forwarded-Proto": "https"}).headers


def test_the_environment_sets_it(app_config, monkeypatch, tmp_path):
    monkeypatch.setenv("VISITORAPP_TRUSTED_PROXIES", "1")
    monkeypatch.setenv("VISITORAPP_SECRET_KEY", "env-test")
    monkeypatch.setenv("VISITORAPP_DATABASE_URL", app_config["SQLALCHEMY_DATABASE_URI"])
    monkeypatch.setenv("VISITORAPP_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app()
    assert app.config["TRUSTED_PROXIES"] == 1
    response = app.test_client().get("/healthz", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" in response.headers


@pytest.mark.parametrize("value", [-1, "one", 1.5, True])
def test_a_nonsense_value_stops_the_app_at_start(app_config, value):
    with pytest.raises(ValueError, match="TRUSTED_PROXIES"):
        create_app({**app_config, "TRUSTED_PROXIES": value})
