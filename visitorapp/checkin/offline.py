"""What an offline gate needs to decide alone: the day's tickets for its venues, with presence.

Only a SHA-256 of each ticket token (the page hashes what it scans and looks it up), the
reference, school (or a registrant's unit), booked numbers, slot times, status, a group's
vehicles and plates (the gate matches the buses with the group offline too, as online) and how
many arrived and are inside where — no mobile numbers, no names of people.
The page decides with the same rules as ``outcome.decide`` (docs/gate.md) and the server has the
last word when the queue syncs.
"""
from datetime import date, datetime

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import contains_eager

from ..booking.models import Booking
from ..extensions import db
from ..programme.models import Slot
from ..registration.models import Registration
from ..tickets.tokens import fingerprint, sign
from ..timeutil import local_day_bounds
from ..vehicles import services as vehicles
from . import counts
from .actors import Actor
from .holders import Holder
from .outcome import GateRules
from .serialize import holder_json


def ticket_list(day: date, actor: Actor, now: datetime) -> dict:
    start, end = local_day_bounds(day)
    ids = actor.venue_ids()
    holders = []
    for model in (Booking, Registration):
        # The slot comes with its row; its event and venue once per slot, not once per ticket.
        stmt = (sa.select(model).join(Slot, model.slot_id == Slot.id)
                .options(contains_eager(model.slot).selectinload(Slot.event),
                         contains_eager(model.slot).selectinload(Slot.venue))
                .where(Slot.starts_at >= start, Slot.starts_at < end).order_by(Slot.starts_at))
        if ids is not None:
            stmt = stmt.where(Slot.venue_id.in_(ids or {-1}))
        holders += [Holder(booking=r) if model is Booking else Holder(registration=r)
                    for r in db.session.scalars(stmt)]
    plates = vehicles.summaries([h.booking.id for h in holders if h.is_group])
    presence = counts.ticket_presence(
        booking_ids=[h.booking.id for h in holders if h.is_group],
        registration_ids=[h.registration.id for h in holders if not h.is_group])
    tickets = []
    for holder in holders:
        key = ("booking", holder.booking.id) if holder.is_group else ("registration",
                                                                     holder.registration.id)
        state = presence.get(key) or counts.TicketPresence(venues={})
        item = holder_json(holder, vehicles_summary=plates.get(holder.booking.id, "")
                           if holder.is_group else "")
        item.update(h=fingerprint(sign(holder.record.ticket_nonce)), arrived=state.arrived,
                    inside=state.inside, venues={str(k): v for k, v in state.venues.items()})
        tickets.append(item)
    rules = GateRules.from_config(current_app.config)
    return {"date": day.isoformat(), "generated_at": now.isoformat(), "tickets": tickets,
            "rules": {"early_confirm_minutes": rules.early_confirm.total_seconds() / 60,
                      "late_warning_minutes": rules.late_warning.total_seconds() / 60}}
