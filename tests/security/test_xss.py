"""Hostile strings in every free-text field come back escaped on every page that shows them."""
import re

import pytest

from tests.factories import create_booking, create_slot, create_user
from visitorapp.accounts.models import Role

from .conftest import sign_in

PAYLOADS = [
    '<script>alert("x")</script>',
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)//'",
    "</title><svg/onload=alert(1)>",  # ≤ 30 chars: fits every name column
    "{{7*7}}{% raw %}",
]

#: Free-text fields of a booking: (field, how the form treats it).
BOOKING_TEXT_FIELDS = ("school_name", "grades", "leader_name", "notes")

#: Pages that show a booking's text, as (url builder, role signed in or None). Extend as pages land:
#: e.g. (lambda b: f"/console/bookings/{b.id}", Role.ORGANIZER), (ticket page, None) …
PAGES = [
    (lambda b: f"/b/{b.manage_token}", None),
    (lambda b: f"/b/{b.manage_token}/confirmed", None),
]


def _assert_escaped(html: str, payload: str, where: str):
    if any(c in payload for c in "<>\"'&"):
        assert payload not in html, f"raw payload on {where}"
    else:  # a template-injection probe: shown as text, never evaluated
        assert payload in html and "49{%" not in html, where
    # No element or handler the payload tried to inject made it into the markup.
    assert not re.search(r"<(script|img|svg)[^>]*(alert|onerror|onload)", html), where


@pytest.mark.parametrize("payload", PAYLOADS)
def test_stored_hostile_text_is_escaped_on_every_page(app, db, payload):
    """Stored by a path with looser validation (import, staff edit, API): still escaped on output."""
    slot = create_slot(capacity=500)
    booking = create_booking(slot, **{f: payload for f in BOOKING_TEXT_FIELDS})
    booking.cancel_reason = payload
    db.session.commit()
    staff = {role: create_user(role=role) for role in (Role.ORGANIZER, Role.GATE)}
    db.session.commit()
    for url_of, role in PAGES:
        client = app.test_client()
        if role:
            sign_in(client, staff[role])
        url = url_of(booking)
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_escaped(response.get_data(as_text=True), payload, url)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_text_in_the_booking_form_is_refused_or_escaped(app, client, db, payload):
    slot = create_slot(capacity=500)
    db.session.commit()
    data = {"slot_id": slot.id, "school_name": payload, "school_stage": "junior",
            "grades": payload, "students": 20, "teachers": 2, "leader_name": payload,
            "leader_mobile": "13912345678", "notes": payload, "privacy": "y"}
    response = client.post(f"/book/{slot.id}", data=data)
    html = response.get_data(as_text=True)
    # Names refuse markup characters with a Chinese message; the re-rendered form escapes them.
    assert response.status_code == 422 and "学校名称只能包含" in html
    _assert_escaped(html, payload, "booking form")
    db.session.refresh(slot)
    assert slot.booked == 0


def test_markup_in_the_cancel_reason_is_refused_and_nothing_changes(app, client, db):
    booking = create_booking(create_slot())
    db.session.commit()
    payload = PAYLOADS[1]
    client.post(f"/b/{booking.manage_token}/cancel", data={"reason": payload})
    html = client.get(f"/b/{booking.manage_token}").get_data(as_text=True)
    assert "不能包含网页代码" in html
    _assert_escaped(html, payload, "manage page after a refused cancel")
    db.session.refresh(booking)
    assert booking.is_active
