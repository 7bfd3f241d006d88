"""Purge step for individual registrations: names, mobiles, e-mails, student numbers, classes and
every answer (CVs included: their files are deleted from disk after the commit). Kept: the event,
slot, status, 二级学院 or organisation, and check-ins — what the counts need.

A student number becomes a placeholder rather than empty, so a registration of one of our own
students still counts as internal (not a campus visitor) after the purge."""
import sqlalchemy as sa

from ..audit.models import scrub
from ..extensions import db
from ..privacy import ANONYMOUS_NAME, PURGED_TEXT, Purged, anonymise, anonymous_mobile
from ..programme.models import Edition, Event
from .answers import stored_files
from .models import Registration


def purge(edition: Edition) -> Purged:
    rows = db.session.execute(
        sa.select(Registration.id, Registration.name, Registration.mobile, Registration.email,
                  Registration.student_number, Registration.class_name, Registration.answers)
        .join(Event, Registration.event_id == Event.id)
        .where(Event.edition_id == edition.id, Registration.anonymized.is_(False))).all()
    done = Purged.of(rows)
    done.files = [name for r in rows for name in stored_files(r.answers)]
    ids = [r.id for r in rows]
    anonymise(Registration, ids, name=ANONYMOUS_NAME, mobile=anonymous_mobile(Registration),
              email="", class_name="", answers={}, anonymized=True,
              student_number=sa.case((Registration.student_number != "", PURGED_TEXT), else_=""))
    scrub("registration", ids, done.texts, PURGED_TEXT)
    return done
