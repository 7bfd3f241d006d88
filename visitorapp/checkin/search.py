"""Find a group at the gate without its QR code: reference, school name or mobile's last four."""
import re
from datetime import date

import sqlalchemy as sa

from ..booking.models import Booking
from ..extensions import db
from ..programme.models import Slot
from ..tickets.tokens import normalise, token_for
from ..timeutil import local_day_bounds
from .actors import Actor
from .serialize import booking_json


def find_bookings(query: str, day: date, actor: Actor, limit: int = 10) -> list[dict]:
    q = normalise(query)[:50]
    if len(q) < 2:
        return []
    start, end = local_day_bounds(day)
    stmt = (sa.select(Booking).join(Slot, Booking.slot_id == Slot.id)
            .where(Slot.starts_at >= start, Slot.starts_at < end))
    ids = actor.venue_ids()
    if ids is not None:
        stmt = stmt.where(Slot.venue_id.in_(ids or {-1}))
    if re.fullmatch(r"\d{4}", q):
        stmt = stmt.where(Booking.leader_mobile.endswith(q))
    else:
        stmt = stmt.where(sa.or_(Booking.reference.ilike(_like(q)),
                                 Booking.school_name.ilike(_like(query.strip()[:50]))))
    found = db.session.scalars(stmt.order_by(Slot.starts_at).limit(limit))
    return [{**booking_json(b), "token": token_for(b)} for b in found]


def _like(text: str) -> str:
    """A LIKE pattern for a substring; the user's own wildcards are dropped, not obeyed."""
    return "%" + re.sub(r"[\\%_]", "", text) + "%"
