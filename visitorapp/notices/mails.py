"""The notice mail, through the outbox (queued in the notice's transaction, sent later)."""
from ..outbox.links import public_url
from ..registration.notifications import send_templated
from ..tickets.notifications import queue_booking_mail


def to_booking(notice, booking) -> int:
    """Queue the notice to a group's leader; 1 if a mail was queued."""
    message = queue_booking_mail(booking, "notice", notice=notice,
                                 dedupe_key=f"notice:{notice.id}:booking:{booking.id}")
    return int(message is not None)


def to_registration(notice, registration) -> int:
    if not registration.email or registration.anonymized:
        return 0
    send_templated(registration.email, "notice_registration",
                   f"【职教周】变更通知：{notice.title}", kind="registration.notice",
                   edition_id=notice.edition_id, registration=registration, notice=notice,
                   dedupe_key=f"notice:{notice.id}:registration:{registration.id}",
                   manage_url=public_url("registration.manage", token=registration.manage_token))
    return 1
