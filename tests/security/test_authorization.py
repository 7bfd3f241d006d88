"""Authorization matrix: every route × anonymous and every staff role, from the table in routes.py."""
import pytest

from . import routes
from .conftest import build_url, forget_request_user, method_of, sign_in


def _rules(app):
    return sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint, r.rule))


def test_every_route_has_an_authorization_expectation(app):
    missing = sorted({r.endpoint for r in _rules(app)} - routes.ACCESS.keys())
    assert not missing, (
        "routes without an authorization expectation — classify them in "
        f"tests/security/routes.py ACCESS (PUBLIC, TOKEN, SIGNED_IN or staff(...)): {missing}\n"
        "Draft (python -m tests.security.routes):\n" + "\n".join(routes.draft_entries(app)))


def test_the_table_names_only_existing_routes(app):
    """Every entry is a route the app has: a renamed or removed route leaves no stale line."""
    stale = sorted(routes.ACCESS.keys() - set(app.view_functions))
    assert not stale, f"ACCESS lists endpoints the app does not have: {stale}"


def test_table_agrees_with_each_views_roles_required(app):
    """The table and the code must say the same thing, so neither drifts silently."""
    disagreements = []
    for endpoint, kind in routes.ACCESS.items():
        view = app.view_functions[endpoint]
        declared = getattr(view, "required_roles", None)
        if isinstance(kind, routes.Staff) and not kind.declared:
            continue
        if isinstance(kind, routes.Staff):
            if declared is None or frozenset(declared) != kind.roles:
                disagreements.append(f"{endpoint}: table {sorted(kind.roles)}, view {declared}")
        elif declared is not None:
            disagreements.append(f"{endpoint}: table says {kind}, view requires {declared}")
    assert not disagreements, disagreements


def _is_login_redirect(response) -> bool:
    """Flask-Login's "please sign in" redirect carries ?next= (logout's own redirect does not)."""
    location = response.headers.get("Location", "")
    return response.status_code == 302 and "/login?next=" in location


def _call(client, rule, url):
    forget_request_user()
    return client.open(url, method=method_of(rule))


@pytest.mark.parametrize("role", [None, *routes.ROLES], ids=lambda r: r.value if r else "anonymous")
def test_staff_routes_matrix(app, client, world, users, role):
    failures = []
    for rule in _rules(app):
        kind = routes.ACCESS.get(rule.endpoint)
        if not (isinstance(kind, routes.Staff) or kind == routes.SIGNED_IN):
            continue
        fresh = app.test_client()
        if role is not None:
            sign_in(fresh, users[role])
        response = _call(fresh, rule, build_url(app, rule, world))
        status = response.status_code
        api = rule.rule.startswith("/api/")
        if role is None:
            ok = status == 401 if api else _is_login_redirect(response)
            expected = "401" if api else "redirect to /login"
        elif kind == routes.SIGNED_IN or kind.allows(role):
            ok = status < 500 and status not in (401, 403) and not _is_login_redirect(response)
            expected = "allowed (not 401/403/login, no 5xx)"
        else:
            body = response.get_json(silent=True) if api else None
            text = body.get("message", "") if body else response.get_data(as_text=True)
            ok = status == 403 and "无权" in text
            expected = "403 无权访问"
        if not ok:
            failures.append(f"{method_of(rule)} {rule.rule} as {role or 'anonymous'}: "
                            f"got {status}, expected {expected}")
    assert not failures, "\n".join(failures)


def test_public_routes_answer_anonymous_without_error(app, world):
    failures = []
    for rule in _rules(app):
        if routes.ACCESS.get(rule.endpoint) != routes.PUBLIC or "GET" not in rule.methods:
            continue
        response = app.test_client().get(build_url(app, rule, world))
        if response.status_code >= 500 or response.status_code in (401, 403):
            failures.append(f"GET {rule.rule}: {response.status_code}")
    assert not failures, failures


def test_token_routes_refuse_a_wrong_token_with_404(app, world):
    failures = []
    for rule in _rules(app):
        if routes.ACCESS.get(rule.endpoint) != routes.TOKEN:
            continue
        token_args = {name: "WRONG-token-0000" for name in rule.arguments if "token" in name}
        url = build_url(app, rule, world, **token_args)
        response = app.test_client().open(url, method=method_of(rule))
        text = response.get_data(as_text=True)
        if response.status_code != 404 or "株洲市安全中学" in text:
            failures.append(f"{method_of(rule)} {rule.rule}: {response.status_code}")
    assert not failures, failures
