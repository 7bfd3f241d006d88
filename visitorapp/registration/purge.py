"""Purge step for individual registrations: names, mobiles, e-mails, student numbers, classes and
every answer (CVs included: their files are deleted from disk after the commit). Kept: the event,
slot, status, 二级学院 or organisation, and check-ins — what the counts need.

A student number becomes a placeholder rather than empty, so a registration of one of our own
students still counts as internal (not a campus visitor) after the purge."""
import sqlalchemy as sa

from ..audit.models import scrub
from ..extensions import db
from ..privacy import ANONYMOUS_NAME, PURGED_TEXT, Purged
from ..programme.models import Edition, Event
from .answers import stored_files
from .models import Registration


def purge(edition: Edition) -> Purged:
    rows = db.session.execute(
        sa.select(Registration.id, Registration.name, Registration.mobile, Registration.email,
                  Registration.student_number, Registration.class_name, Registration.answers)
        .join(Event, Registration.event_id == Event.id)
        .where(Event.edition_id == edition.id, Registration.anonymized.is_(False))).all()
    done = Purged(count=len(rows))
    if not rows:
        return done
    ids = [r.id for r in rows]
    for r in rows:
        done.addresses.add(r.email)
        done.texts.update((r.name, r.mobile, r.email, r.student_number, r.class_name))
        done.texts.update(a for a in (r.answers or {}).values() if isinstance(a, str))
        done.files.extend(stored_files(r.answers))
    for start in range(0, len(ids), 500):
        db.session.execute(
            sa.update(Registration).where(Registration.id.in_(ids[start:start + 500])).values(
                name=ANONYMOUS_NAME,
                mobile=sa.literal("anon-") + sa.cast(Registration.id, sa.String),
                email="", class_name="", answers={}, anonymized=True,
                student_number=sa.case((Registration.student_number != "", PURGED_TEXT),
                                       else_=""))
            .execution_options(synchronize_session=False))
    scrub("registration", ids, done.texts, PURGED_TEXT)
    return done
