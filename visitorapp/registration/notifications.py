"""Registration emails, queued in the outbox inside the registration's transaction."""
from flask import render_template

from ..extensions import db
from ..outbox.links import public_url
from ..outbox.services import enqueue
from ..programme.models import Edition


def send_templated(recipient: str, template: str, subject: str, *, kind: str,
                   edition_id: int | None = None, dedupe_key: str | None = None,
                   attachments: list | None = None, **context) -> None:
    """Queue mail/<template>; ``edition_id``: the week it is about (the purge finds it by that)."""
    if not recipient:
        return
    if edition_id is not None and "edition" not in context:  # its 联系方式 ends every mail
        context["edition"] = db.session.get(Edition, edition_id)
    enqueue(recipient, subject, render_template(f"mail/{template}.txt", **context), kind=kind,
            body_html=render_template(f"mail/{template}.html", **context), dedupe_key=dedupe_key,
            edition_id=edition_id, attachments=attachments)


def registration_confirmed(registration, *, moved: bool = False, resent: bool = False) -> None:
    """报名成功 / 改约成功 with the ticket: its link, the QR code shown inline and attached, and the
    calendar entry (a move updates it) — the booking mails' attachments, rendered when the mail
    is sent and left out if the registration is cancelled by then."""
    from ..tickets.notifications import (
        QR_CID,
        TICKET_ATTACHMENTS,
        calendar_sequence,
        with_base,
    )
    from ..tickets.tokens import token_for
    subject = f"{'改约成功' if moved else '报名成功'}：{registration.event.name}（{registration.reference}）"
    attachments = [*TICKET_ATTACHMENTS[:2], {"type": "ics", "sequence": calendar_sequence()}] \
        if moved else TICKET_ATTACHMENTS
    send_templated(registration.email, "registration_confirmed", subject,
                   kind="registration.moved" if moved else "registration.confirmed",
                   edition_id=registration.event.edition_id, registration=registration, moved=moved,
                   resent=resent, slot=registration.slot, qr_cid=QR_CID,
                   attachments=with_base(attachments, registration_id=registration.id),
                   ticket_url=public_url("tickets.ticket", token=token_for(registration)),
                   manage_url=public_url("registration.manage", token=registration.manage_token))


def registration_cancelled(registration) -> None:
    """报名已取消, with the calendar entry's cancellation (as a booking's)."""
    from ..tickets.notifications import calendar_sequence, with_base
    send_templated(registration.email, "registration_cancelled",
                   f"报名已取消：{registration.event.name}（{registration.reference}）",
                   kind="registration.cancelled", edition_id=registration.event.edition_id,
                   registration=registration,
                   attachments=with_base([{"type": "ics", "cancel": True,
                                           "sequence": calendar_sequence()}],
                                         registration_id=registration.id),
                   events_url=public_url("registration.events"))
