"""The small things a first-time visitor trips over (issue 12): each programme event's booking
button opens its own slots, the waiting list says the e-mail is required, a favicon, no stray
spaces, badges readable (contrast ≥ 4.5:1)."""
import re
from pathlib import Path

import pytest

from tests.factories import create_booking, create_event, create_slot, create_user, create_venue
from visitorapp.accounts.models import Role

CSS = Path(__file__).parents[2] / "static" / "css" / "app.css"


def test_each_events_booking_button_opens_that_events_slots(client, db):
    base = create_event(name="开放科普基地")
    workshop = create_event(base.edition, name="开放实训场地")
    ours = create_slot(base, create_venue("全国化学会科普基地"), capacity=50)
    theirs = create_slot(workshop, create_venue("化工实训中心"), capacity=50)
    db.session.commit()
    home = client.get("/").get_data(as_text=True)
    links = re.findall(r'href="(/book\?[^"]+)"[^>]*>选择场次预约', home)
    assert len(links) == 2 and all("event=" in link for link in links)
    page = client.get(next(link for link in links if f"event={base.id}" in link)
                      .replace("&amp;", "&")).get_data(as_text=True)
    assert f'data-slot-id="{ours.id}"' in page and f'data-slot-id="{theirs.id}"' not in page
    assert "仅显示“开放科普基地”的场次" in page and "查看当天全部场次" in page


def test_the_waiting_list_requires_the_email_it_promises_to_write_to(client, db):
    slot = create_slot(capacity=42)
    create_booking(slot, students=40, teachers=2)
    db.session.commit()
    page = client.get(f"/book/{slot.id}/waitlist").get_data(as_text=True)
    assert "电子邮箱（必填" in page and "选填" not in page.split("电子邮箱")[1][:30]
    response = client.post(f"/book/{slot.id}/waitlist", data={
        "school_name": "株洲市第二中学", "school_stage": "junior", "students": "30",
        "teachers": "2", "leader_name": "王老师", "leader_mobile": "13812345678", "privacy": "y"})
    assert response.status_code == 422
    assert "候补名额只通过邮件通知，请填写电子邮箱。" in response.get_data(as_text=True)


def test_favicon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert 'rel="icon"' in client.get("/privacy").get_data(as_text=True)


def test_no_stray_space_when_a_booking_has_no_grades(client, db, login):
    booking = create_booking(create_slot(), school_stage="senior", grades="")
    db.session.commit()
    login(create_user(Role.ORGANIZER))
    page = client.get(f"/console/bookings/{booking.id}").get_data(as_text=True)
    assert "（高中）" in page and "（高中 ）" not in page


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


@pytest.mark.parametrize("selector", [".badge.open", ".badge.full", ".badge.status-pending",
                                      ".badge.status-confirmed", ".badge.mode-group",
                                      ".badge.mode-individual", ".flash-success"])
def test_badges_are_readable(selector):
    css = CSS.read_text()
    colours = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", css))
    rule = re.search(re.escape(selector) + r"[^{]*\{([^}]*)\}", css).group(1)
    background = re.search(r"background:\s*(#[0-9a-fA-F]{6})", rule).group(1)
    colour = re.search(r"color:\s*(?:var\(--([\w-]+)\)|(#[0-9a-fA-F]{6}))", rule)
    foreground = colours[colour.group(1)] if colour.group(1) else colour.group(2)
    light, dark = sorted([_luminance(background), _luminance(foreground)], reverse=True)
    assert (light + 0.05) / (dark + 0.05) >= 4.5, selector
