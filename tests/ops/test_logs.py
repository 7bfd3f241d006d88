"""No secret token reaches a log: the access log (gunicorn.conf.py), Flask's error log and the
development server's request log all mask management links, tickets and device tokens."""
import logging

import pytest

from tests.factories import create_booking
from visitorapp.booking import services as booking_services
from visitorapp.logmask import mask
from visitorapp.tickets.tokens import token_for

SECRET = "Zm9vYmFyLXNlY3JldC10b2tlbi12YWx1ZQ"


def test_every_route_with_a_token_in_its_path_is_masked(app):
    token_routes = [r for r in app.url_map.iter_rules() if "token" in r.arguments]
    assert token_routes, "no token-bearing route found: has the URL map changed?"
    for rule in token_routes:
        with app.test_request_context():
            from flask import url_for
            args = {a: (SECRET if a == "token" else 1) for a in rule.arguments}
            path = url_for(rule.endpoint, **args)
        assert SECRET not in mask(path), f"{rule.rule} would log its token"
        assert mask(path).count("***") == 1


@pytest.mark.parametrize("line, expected", [
    ("/b/abc123/cancel", "/b/***/cancel"),
    ("/my/abc123", "/my/***"),
    ("/w/abc123/accept", "/w/***/accept"),
    ("/ticket/abc123.png", "/ticket/***"),
    ('127.0.0.1 "GET /my/abc123/move HTTP/1.1" 200', '127.0.0.1 "GET /my/***/move HTTP/1.1" 200'),
    ("/login?next=%2Fb%2Fabc123", "/login?next=%2Fb%2F***"),
    ("Authorization: Bearer gd_0123456789abcdefghij", "Authorization: Bearer ***"),
    ("/book/12", "/book/12"),
    ("/r/12/waitlist", "/r/12/waitlist"),
    ("/staff/waitlist", "/staff/waitlist"),
    ("/api/v1/slots?date=2027-05-12", "/api/v1/slots?date=2027-05-12"),
])
def test_mask(line, expected):
    assert mask(line) == expected


def test_a_ticket_token_is_masked_wherever_it_appears(app, db):
    booking = create_booking()
    token = token_for(booking)
    assert token not in mask(f"scan {token} at gate") and "***" in mask(f"scan {token}")


def test_flasks_error_log_masks_the_token_of_a_failing_request(app, client, db, caplog,
                                                                monkeypatch):
    booking = create_booking()
    db.session.commit()
    app.config["PROPAGATE_EXCEPTIONS"] = False  # log and answer 500, as in production

    def broken(token):
        raise RuntimeError("a bug")

    monkeypatch.setattr(booking_services, "by_manage_token", broken)
    with caplog.at_level(logging.ERROR):
        response = client.get(f"/b/{booking.manage_token}")
    assert response.status_code == 500
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "Exception on /b/***" in logged
    assert booking.manage_token not in logged and booking.manage_token not in caplog.text


def test_the_development_servers_request_log_is_masked(app):
    logger = logging.getLogger("werkzeug")
    record = logger.makeRecord("werkzeug", logging.INFO, __file__, 1,
                               '%s - - "%s" %s -', ("127.0.0.1", "GET /w/abc123 HTTP/1.1", "200"),
                               None)
    assert all(f.filter(record) for f in logger.filters)
    assert record.getMessage() == '127.0.0.1 - - "GET /w/*** HTTP/1.1" 200 -'
