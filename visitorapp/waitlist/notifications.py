"""Waiting-list emails (queued in the outbox inside the same transaction as the change)."""
from ..outbox.links import public_url
from ..registration.notifications import send_templated
from ..timeutil import format_datetime


def _context(entry) -> dict:
    return {"entry": entry, "slot": entry.slot, "edition_id": entry.slot.event.edition_id,
            "entry_url": public_url("waitlist.entry", token=entry.token)}


def joined(entry) -> None:
    send_templated(entry.email, "waitlist_joined", f"已加入候补：{entry.slot.title}",
                   kind="waitlist.joined", **_context(entry))


def offered(entry) -> None:
    # One offer mail per offer (an entry is offered at most once: dedupe on its id).
    send_templated(entry.email, "waitlist_offer",
                   f"候补名额已为您保留，请在 {format_datetime(entry.offer_expires_at)} 前确认",
                   kind="waitlist.offer", dedupe_key=f"waitlist-offer-{entry.id}", **_context(entry))


def expired(entry) -> None:
    send_templated(entry.email, "waitlist_expired", f"候补名额确认已超时：{entry.slot.title}",
                   kind="waitlist.expired", **_context(entry))
