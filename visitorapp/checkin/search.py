"""Find a ticket at the gate without its QR code: reference, school name, a leader's or
registrant's full mobile (11 digits) or its last four.

Every venue's tickets of the day are searched, so a group at the wrong gate is found; results
at other venues say so (scanning them there asks for a confirmation), and cancelled ones are
shown without a check-in button.
"""
import re
from datetime import date

import sqlalchemy as sa

from ..booking.models import Booking
from ..extensions import db
from ..programme.models import Slot
from ..registration.models import Registration
from ..tickets.tokens import normalise, sign
from ..timeutil import local_day_bounds
from . import counts
from .actors import Actor
from .holders import Holder
from .serialize import holder_json


def find_tickets(query: str, day: date, actor: Actor, limit: int = 10) -> list[dict]:
    q = normalise(query)[:50]
    if len(q) < 2:
        return []
    start, end = local_day_bounds(day)
    found = []
    for model, match in ((Booking, _booking_match), (Registration, _registration_match)):
        stmt = (sa.select(model).join(Slot, model.slot_id == Slot.id)
                .where(Slot.starts_at >= start, Slot.starts_at < end, match(q, query))
                .order_by(Slot.starts_at, model.id).limit(limit))
        found += [Holder(booking=r) if model is Booking else Holder(registration=r)
                  for r in db.session.scalars(stmt)]
    mine = actor.venue_ids()
    # The gate's own venues first, then the rest of the campus.
    found.sort(key=lambda h: (mine is not None and h.slot.venue_id not in mine, h.slot.starts_at))
    presence = counts.ticket_presence(
        booking_ids=[h.booking.id for h in found if h.is_group],
        registration_ids=[h.registration.id for h in found if not h.is_group])
    results = []
    for holder in found[:limit]:
        key = ("booking", holder.booking.id) if holder.is_group else ("registration",
                                                                     holder.registration.id)
        state = presence.get(key) or counts.TicketPresence(venues={})
        results.append({**holder_json(holder), "token": sign(holder.record.ticket_nonce),
                        "other_venue": mine is not None and holder.slot.venue_id not in mine,
                        "can_check_in": holder.is_active,
                        "arrived": state.arrived, "inside": state.inside})
    return results


def _booking_match(q: str, raw: str):
    if re.fullmatch(r"1\d{10}", q):
        return Booking.leader_mobile == q
    if re.fullmatch(r"\d{4}", q):
        return Booking.leader_mobile.endswith(q, autoescape=True)
    return sa.or_(_like(Booking.reference, q), _like(Booking.school_name, raw.strip()[:50]))


def _registration_match(q: str, raw: str):
    if re.fullmatch(r"1\d{10}", q):
        return Registration.mobile == q
    if re.fullmatch(r"\d{4}", q):
        return Registration.mobile.endswith(q, autoescape=True)
    return _like(Registration.reference, q)


def _like(column, text: str):
    """``column`` contains ``text``; the user's own wildcards are dropped, not obeyed."""
    text = re.sub(r"[\\%_]", "", text)
    return column.ilike(f"%{text}%") if len(text) >= 2 else sa.false()
