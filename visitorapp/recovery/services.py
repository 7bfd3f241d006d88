"""找回预约/报名: mail the holder their management (and ticket) links — never show them.

Whoever knows a mobile and a reference (or the e-mail) may ask; the links go only to the e-mail
address stored on the booking, registration or waiting-list entry, so asking with someone else's
details reaches nobody but them. The caller answers the same whether anything matched or not
(see the view), and a recipient gets at most RECOVERY_MAILS_PER_HOUR such mails, so the page
cannot be used to flood someone's mailbox either.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from ..audit.models import log_action
from ..booking.models import HOLDING_STATUSES, Booking
from ..extensions import db
from ..outbox.links import public_url
from ..outbox.models import OutboxMessage
from ..outbox.services import enqueue
from ..programme.models import Edition, Slot
from ..registration.models import Registration, RegistrationStatus
from ..tickets.notifications import render_mail
from ..tickets.tokens import token_for
from ..waitlist.models import EntryStatus, WaitlistEntry

KIND = "recovery"


@dataclass
class Found:
    """One booking, registration or waiting-list entry the request matched, with its links."""

    label: str           #: 团体预约 / 个人报名 / 候补
    reference: str       #: the code people read ("" for a waiting-list entry)
    slot: Slot
    email: str           #: where its links may go: its own stored address
    manage_url: str
    ticket_url: str = ""


def send_links(mobile: str, reference: str, email: str, now: datetime) -> int:
    """Queue one mail per address and week with the links of everything that matched; returns
    how many were queued (for the audit and tests — never for the person who asked)."""
    groups: dict[tuple[str, int], list[Found]] = {}
    for item in find(mobile, reference, email):
        groups.setdefault((item.email.casefold(), item.slot.event.edition_id), []).append(item)
    queued = 0
    for (_, edition_id), items in groups.items():
        recipient = items[0].email
        if _recent_mails(recipient, now) >= current_app.config["RECOVERY_MAILS_PER_HOUR"]:
            continue
        subject, text, html = render_mail("recovery", items=items,
                                          edition=db.session.get(Edition, edition_id))
        enqueue(recipient, subject, text, body_html=html, kind=KIND, edition_id=edition_id)
        queued += 1
    # The same write whether or not anything matched; no personal data in the entry.
    log_action("recovery.request", actor="访客（找回页面）", summary=f"找回链接：发出{queued}封邮件",
               after={"mails": queued})
    return queued


def find(mobile: str, reference: str, email: str) -> list[Found]:
    """Live sign-ups of this mobile with this reference, or with this stored e-mail address."""
    reference, email = (reference or "").strip().upper(), (email or "").strip().casefold()
    found: list[Found] = []
    if not mobile or not (reference or email):
        return found

    def matches(ref_column, email_column):
        conditions = []
        if reference and ref_column is not None:
            conditions.append(ref_column == reference)
        if email:
            conditions.append(sa.func.lower(email_column) == email)
        return sa.or_(*conditions) if conditions else sa.false()

    for booking in db.session.scalars(sa.select(Booking).where(
            Booking.leader_mobile == mobile, Booking.status.in_(HOLDING_STATUSES),
            Booking.anonymized.is_(False), Booking.email != "",
            matches(Booking.reference, Booking.email))):
        found.append(Found("团体预约", booking.reference, booking.slot, booking.email,
                           public_url("booking.manage", token=booking.manage_token),
                           public_url("tickets.ticket", token=token_for(booking))
                           if booking.is_active else ""))
    for registration in db.session.scalars(sa.select(Registration).where(
            Registration.mobile == mobile, Registration.status == RegistrationStatus.CONFIRMED,
            Registration.email != "", matches(Registration.reference, Registration.email))):
        found.append(Found("个人报名", registration.reference, registration.slot,
                           registration.email,
                           public_url("registration.manage", token=registration.manage_token),
                           public_url("tickets.ticket", token=token_for(registration))))
    for entry in db.session.scalars(sa.select(WaitlistEntry).where(
            WaitlistEntry.mobile == mobile,
            WaitlistEntry.status.in_((EntryStatus.WAITING, EntryStatus.OFFERED)),
            WaitlistEntry.email != "", matches(None, WaitlistEntry.email))):
        found.append(Found("候补", "", entry.slot, entry.email,
                           public_url("waitlist.entry", token=entry.token)))
    return sorted(found, key=lambda f: f.slot.starts_at)


def _recent_mails(recipient: str, now: datetime) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage).where(
        OutboxMessage.kind == KIND, OutboxMessage.recipient == recipient,
        OutboxMessage.created_at > now - timedelta(hours=1))) or 0

