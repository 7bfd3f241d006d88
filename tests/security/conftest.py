"""Helpers for the security suite: a small world of real rows and URLs for every rule."""
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from flask import g, url_for
from werkzeug.routing import IntegerConverter

from tests.factories import create_booking, create_department, create_slot, create_user
from visitorapp.accounts.models import Role
from visitorapp.extensions import db as _db

from . import routes


@dataclass
class World:
    slot: object
    booking: object


@pytest.fixture
def world(db):
    slot = create_slot(capacity=200)
    booking = create_booking(slot, school_name="株洲市安全中学", students=40, teachers=2)
    db.session.commit()
    return World(slot=slot, booking=booking)


def build_url(app, rule, world, **override) -> str:
    values = routes.url_args(world)
    extra = routes.ENDPOINT_ARGS.get(rule.endpoint)
    if extra:
        values.update(extra(world))
    values.update(override)
    args = {}
    for name in rule.arguments:
        converter = rule._converters[name]
        if name in values:
            args[name] = values[name]
        elif getattr(converter, "items", None):  # <any(a, b):name>
            args[name] = sorted(converter.items)[0]
        else:
            args[name] = 1 if isinstance(rule._converters[name], IntegerConverter) else "x"
    with app.test_request_context():
        return url_for(rule.endpoint, **args)


def method_of(rule) -> str:
    """GET when the rule answers GET, else its first write method."""
    if "GET" in rule.methods:
        return "GET"
    return sorted(m for m in rule.methods if m not in ("HEAD", "OPTIONS"))[0]


def write_rules(app):
    """Every rule accepting POST/PUT/PATCH/DELETE, as (rule, method)."""
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        for method in sorted(rule.methods & {"POST", "PUT", "PATCH", "DELETE"}):
            yield rule, method


def row_counts() -> dict[str, int]:
    """Rows per table: a request that was refused must leave every count as it was."""
    _db.session.expire_all()
    return {t.name: _db.session.scalar(sa.select(sa.func.count()).select_from(t))
            for t in _db.metadata.sorted_tables}


def forget_request_user() -> None:
    """The app fixture keeps one app context open, which every test-client request reuses, so
    Flask-Login's cached ``g._login_user`` would leak from one request to the next (e.g. stay
    anonymous after a logout). Call before each request of a loop that changes who is signed in."""
    g.pop("_login_user", None)


def sign_in(client, user) -> None:
    """Put the user in the session directly (fast; the login form has its own tests)."""
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True


@pytest.fixture
def users(db):
    # A reporter reports for a department (the first one, so department id 1 in URLs is theirs).
    made = {role: create_user(role=role, department=create_department() if role == Role.REPORTER
                              else None) for role in routes.ROLES}
    db.session.commit()
    return made
