"""Booking emails (确认函, 变更通知, 取消通知, 行前提醒), queued in the outbox.

The receivers run inside the booking's transaction (see visitorapp.booking.signals): the message
row commits with the booking or not at all, and is sent later by the outbox, so a booking never
waits for, or fails because of, the mail server. Bodies are rendered now (they describe the
booking as it was); the QR image and the calendar entry are rendered when the mail is sent.
"""
from datetime import date, datetime

import sqlalchemy as sa
from flask import current_app, render_template
from sqlalchemy.orm import joinedload

from ..booking import signals
from ..booking.models import Booking, BookingStatus
from ..extensions import db
from ..outbox.links import base_url, public_host, public_url
from ..outbox.models import OutboxMessage
from ..outbox.services import ATTACHMENT_RENDERERS, enqueue
from ..programme.models import Event, Slot
from ..registration.models import Registration
from ..timeutil import UTC, local_day_bounds, utcnow
from . import ics, qr, tokens

#: Content-ID of the inline QR image that the HTML part shows with <img src="cid:…">.
QR_CID = "ticket-qr"
#: The QR code twice (shown in the mail, and a file to forward or print) and the calendar entry.
TICKET_ATTACHMENTS = ({"type": "ticket_png", "inline": True}, {"type": "ticket_png"}, {"type": "ics"})


def render_mail(name: str, **context) -> tuple[str, str, str]:
    """(subject, text, html) from templates/mail/<name>.txt, which sets ``subject``, and .html."""
    module = current_app.jinja_env.get_template(f"mail/{name}.txt").make_module(context)
    subject = " ".join(str(module.subject).split())  # one line, whatever the template did
    return subject, str(module).strip() + "\n", render_template(f"mail/{name}.html", **context)


def queue_booking_mail(booking: Booking, name: str, *, attachments=(), dedupe_key: str | None = None,
                       **extra) -> int | None:
    """Queue mail/<name> to the booking's email address: the message's id, or None (no address,
    or already queued)."""
    if not booking.email or booking.anonymized:
        return None
    slot = booking.slot
    context = dict(booking=booking, slot=slot, venue=slot.venue, edition=slot.event.edition,
                   ticket_url=public_url("tickets.ticket", token=tokens.token_for(booking)),
                   manage_url=public_url("booking.manage", token=booking.manage_token),
                   qr_cid=QR_CID, **extra)
    subject, text, html = render_mail(name, **context)
    return enqueue(booking.email, subject, text, body_html=html, kind=f"booking.{name}",
                   booking_id=booking.id, edition_id=slot.event.edition_id,
                   attachments=with_base(attachments), dedupe_key=dedupe_key)


def with_base(attachments, **values) -> list[dict]:
    """Attachment specs as stored. A calendar entry remembers the link base of the mail's body
    (the request that queued it), so when the worker renders it later it links to the same host."""
    return [dict(a, **values, **({"base": base_url()} if a["type"] == "ics" else {}))
            for a in attachments]


@signals.booking_created.connect
def on_booking_created(booking: Booking, **shown):
    """``shown``: what was recorded with the booking (``transport``: its vehicles, or None when
    the booking was made without), so the mail shows it without looking it up again."""
    if booking.is_pending:  # 待审核: no ticket yet; the confirmation follows the approval
        queue_booking_mail(booking, "pending", dedupe_key=f"booking.pending:{booking.id}", **shown)
        return
    queue_booking_mail(booking, "confirmed", attachments=TICKET_ATTACHMENTS,
                       dedupe_key=f"booking.confirmed:{booking.id}", **shown)


@signals.booking_approved.connect
def on_booking_approved(booking: Booking, **_):
    queue_booking_mail(booking, "confirmed", attachments=TICKET_ATTACHMENTS, approved=True,
                       dedupe_key=f"booking.confirmed:{booking.id}")


@signals.booking_rejected.connect
def on_booking_rejected(booking: Booking, reason: str = "", expired: bool = False, **_):
    queue_booking_mail(booking, "rejected", reason=reason, expired=expired,
                       dedupe_key=f"booking.rejected:{booking.id}")


@signals.booking_changed.connect
def on_booking_changed(booking: Booking, before: dict | None = None, **_):
    before = before or {}
    if before.get("slot_id") not in (None, booking.slot.id):  # slot_id is stale until a flush
        # 改约: "预约时间已变更" with the old and the new time, and the QR code again.
        queue_booking_mail(booking, "moved", before=before,
                           old_slot=db.session.get(Slot, before["slot_id"]),
                           attachments=[*TICKET_ATTACHMENTS[:2],
                                        {"type": "ics", "sequence": calendar_sequence()}])
        return
    queue_booking_mail(booking, "changed", before=before)


@signals.booking_cancelled.connect
def on_booking_cancelled(booking: Booking, reason: str = "", **_):
    queue_booking_mail(booking, "cancelled", reason=reason,
                       attachments=[{"type": "ics", "cancel": True, "sequence": calendar_sequence()}],
                       dedupe_key=f"booking.cancelled:{booking.id}")


def calendar_sequence() -> int:
    """A calendar update's SEQUENCE: minutes since 2020, so each later update outranks the one
    before (a move, then a cancellation) while the first confirmation keeps 0."""
    return int((utcnow() - datetime(2020, 1, 1, tzinfo=UTC)).total_seconds() // 60)


def queue_reminders(day: date) -> tuple[int, int]:
    """Queue the 行前提醒 for every confirmed booking with an email whose slot is on ``day``.

    Returns (queued now, already queued before): the dedupe key makes a second run a no-op.
    """
    start, end = local_day_bounds(day)
    bookings = db.session.scalars(
        sa.select(Booking).join(Booking.slot)
        .where(Booking.status == BookingStatus.CONFIRMED, Booking.email != "",
               Slot.starts_at >= start, Slot.starts_at < end, Slot.is_rehearsal.is_(False))
        .options(joinedload(Booking.slot).joinedload(Slot.venue),
                 joinedload(Booking.slot).joinedload(Slot.event).joinedload(Event.edition))
        .order_by(Slot.starts_at, Booking.id)).all()
    queued = 0
    for booking in bookings:
        key = f"booking.reminder:{booking.id}:{day.isoformat()}"
        if db.session.scalar(sa.select(OutboxMessage.id).where(OutboxMessage.dedupe_key == key)):
            continue
        if queue_booking_mail(booking, "reminder", attachments=TICKET_ATTACHMENTS[:2],
                              dedupe_key=key):
            queued += 1
    return queued, len(bookings) - queued


# --- attachments, rendered at send time from the ticket holder as it is then ---------------------

def _ticket_holder(message: OutboxMessage, spec: dict) -> Booking | Registration | None:
    """The booking of the message, or the registration its spec names (individual tickets)."""
    if spec.get("registration_id"):
        return db.session.get(Registration, spec["registration_id"])
    return db.session.get(Booking, message.booking_id) if message.booking_id else None


def render_ticket_png(message: OutboxMessage, spec: dict):
    """The holder's QR code; left out once it is cancelled (the ticket is void)."""
    holder = _ticket_holder(message, spec)
    if holder is None or not holder.is_active:
        return None
    data = qr.png(tokens.token_for(holder))
    if spec.get("inline"):
        return "ticket-qr.png", "image/png", data, {"Content-ID": f"<{QR_CID}>"}
    return f"ticket-{holder.reference}.png", "image/png", data, {}


def render_ics(message: OutboxMessage, spec: dict):
    """The holder's calendar entry (booking or registration, as for the QR code)."""
    cancel = bool(spec.get("cancel"))
    holder = _ticket_holder(message, spec)
    if holder is None or (holder.is_active == cancel):
        return None  # a confirmation's entry for a cancelled holder (or the reverse) would mislead
    base = spec.get("base")  # the queuing request's host; older rows have none
    data = ics.visit_calendar(
        holder, cancel=cancel, host=public_host(base), sequence=spec.get("sequence"),
        ticket_url=public_url("tickets.ticket", _base=base, token=tokens.token_for(holder)))
    # Flask-Mail builds MIMEBase(*type.split("/")): the parameters ride along in the subtype.
    mimetype = f"text/calendar; charset=utf-8; method={'CANCEL' if cancel else 'PUBLISH'}"
    return f"visit-{holder.reference}.ics", mimetype, data, {}


ATTACHMENT_RENDERERS.update(ticket_png=render_ticket_png, ics=render_ics)
