"""Every console page: anonymous → login, gate/reporter → 403, organizer/admin → 200;
the audit log is for admins only."""
import pytest

from tests.factories import create_user
from visitorapp.accounts.models import Role


def console_pages(w) -> list[str]:
    return [
        "/console/", f"/console/live/panel?edition={w.edition.year}", "/console/live.json",
        "/console/events", "/console/events/new", f"/console/events/{w.event.id}/edit",
        f"/console/events/{w.event.id}/slots/new", f"/console/slots/{w.slot.id}/edit",
        "/console/slots/bulk", "/console/venues", "/console/venues/new",
        f"/console/venues/{w.venue.id}/edit", "/console/bookings",
        f"/console/bookings/{w.booking.id}", "/console/settings",
    ]


def test_anonymous_is_sent_to_login(client, world):
    for url in console_pages(world) + ["/audit/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/login" in response.headers["Location"], url


@pytest.mark.parametrize("role", [Role.GATE, Role.REPORTER])
def test_gate_and_reporter_are_refused(client, login, world, role):
    login(create_user(role))
    for url in console_pages(world) + ["/audit/"]:
        response = client.get(url)
        assert response.status_code == 403, url
        assert "无权访问" in response.get_data(as_text=True)


@pytest.mark.parametrize("role", [Role.GATE, Role.REPORTER])
def test_refused_roles_cannot_post_changes(client, login, world, db, role):
    login(create_user(role))
    response = client.post(f"/console/slots/{world.slot.id}/close", data={"reason": "暴雨"})
    assert response.status_code == 403
    db.session.refresh(world.slot)
    assert world.slot.is_open


@pytest.mark.parametrize("role", [Role.ORGANIZER, Role.ADMIN])
def test_organizer_and_admin_see_every_console_page(client, login, world, role):
    login(create_user(role))
    for url in console_pages(world):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Content-Type"].startswith(
            "application/json" if url.endswith(".json") else "text/html"), url


def test_audit_log_is_admin_only(client, login, world):
    login(create_user(Role.ORGANIZER))
    assert client.get("/audit/").status_code == 403


def test_staff_nav_links_console_pages_for_organizers(client, login, world):
    login(create_user(Role.ORGANIZER))
    html = client.get("/console/events").get_data(as_text=True)
    assert 'href="/console/"' in html and 'href="/console/bookings"' in html
    assert 'href="/audit/"' not in html
