"""Purge step for waiting lists: who waited (name, mobile, e-mail) and everything their form held
(``details``) go; the entries stay as counts (how many waited, were offered, accepted)."""
import sqlalchemy as sa

from ..audit.models import scrub
from ..extensions import db
from ..privacy import ANONYMOUS_NAME, PURGED_TEXT, Purged
from ..programme.models import Edition, Event, Slot
from .models import WaitlistEntry


def purge(edition: Edition) -> Purged:
    rows = db.session.execute(
        sa.select(WaitlistEntry.id, WaitlistEntry.name, WaitlistEntry.mobile, WaitlistEntry.email,
                  WaitlistEntry.details)
        .join(Slot, WaitlistEntry.slot_id == Slot.id).join(Event, Slot.event_id == Event.id)
        .where(Event.edition_id == edition.id, WaitlistEntry.name != ANONYMOUS_NAME)).all()
    done = Purged(count=len(rows))
    if not rows:
        return done
    ids = [r.id for r in rows]
    for r in rows:
        done.addresses.add(r.email)
        done.texts.update((r.name, r.mobile, r.email))
        done.texts.update(v for v in (r.details or {}).values() if isinstance(v, str))
    for start in range(0, len(ids), 500):
        db.session.execute(
            sa.update(WaitlistEntry).where(WaitlistEntry.id.in_(ids[start:start + 500])).values(
                name=ANONYMOUS_NAME,
                mobile=sa.literal("anon-") + sa.cast(WaitlistEntry.id, sa.String),
                email="", details={})
            .execution_options(synchronize_session=False))
    scrub("waitlistentry", ids, done.texts, PURGED_TEXT)
    return done
