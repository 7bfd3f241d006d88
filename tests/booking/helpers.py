"""Helpers shared by the booking view tests."""
import sqlalchemy as sa

from visitorapp.booking.models import Booking

HOSTILE_SCRIPT = "<script>alert(1)</script>"


def form_data(**overrides):
    """A valid group booking as a teacher fills it in (CSRF is off in the plain client)."""
    data = {"school_name": "株洲市第二中学", "school_stage": "junior", "grades": "七年级、八年级",
            "students": "40", "teachers": "2", "leader_name": "王老师",
            "leader_mobile": "13812345678", "email": "", "notes": "", "privacy": "y"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def bookings(db):
    return db.session.scalars(sa.select(Booking)).all()


def text(response):
    return response.get_data(as_text=True)

