"""Notice operations: send a notice to everyone it concerns, find the notices a slot's holders
see, close a slot for a reason, and the one-tap move a closure offers its groups and registrants.

Like every service, these only flush: the caller commits once, so the notice, its mails in the
outbox and the audit entry commit together or not at all.
"""
from datetime import date, datetime

import sqlalchemy as sa
from flask import has_request_context
from flask_login import current_user

from ..audit.models import log_action
from ..booking import rules
from ..booking import services as booking_services
from ..booking.models import HOLDING_STATUSES, Booking
from ..console import services as console_services
from ..errors import DomainError
from ..extensions import db
from ..programme.models import Edition, Event, Slot, Venue
from ..registration import services as registration_services
from ..registration.models import Registration, RegistrationStatus
from ..timeutil import local_day_bounds
from . import mails
from .models import Notice, NoticeScope


class NoticeError(DomainError):
    status = 422


def send_notice(edition: Edition, scope: NoticeScope, title: str, body: str, *,
                slot: Slot | None = None, venue: Venue | None = None, day: date | None = None,
                closes_slot: bool = False) -> Notice:
    """Keep the notice and queue one mail to each group and registrant it concerns now."""
    scope = NoticeScope(scope)
    _check_target(edition, scope, slot, venue, day)
    title, body = title.strip(), body.strip()
    if not title:
        raise NoticeError("title_required", "请填写通知标题。", field="title")
    notice = Notice(edition_id=edition.id, scope=scope, title=title[:60], body=body,
                    slot=slot if scope == NoticeScope.SLOT else None,
                    venue=venue if scope == NoticeScope.VENUE_DAY else None,
                    day=None if scope == NoticeScope.SLOT else day, closes_slot=closes_slot,
                    **_author())
    db.session.add(notice)
    db.session.flush()
    bookings, registrations = affected_bookings(notice), affected_registrations(notice)
    notice.mailed = sum(mails.to_booking(notice, b) for b in bookings) + \
        sum(mails.to_registration(notice, r) for r in registrations)
    log_action("notice.send", notice, after={"scope": scope.value, "title": notice.title,
                                             "groups": len(bookings),
                                             "registrations": len(registrations),
                                             "mailed": notice.mailed},
               summary=f"变更通知“{notice.title}” → {notice.target_label}："
                       f"{len(bookings)}个团体、{len(registrations)}人报名")
    return notice


def close_slot(slot: Slot, reason: str) -> Notice:
    """Close a slot for a reason (停电、天气) and tell every group and registrant in it. Nothing is
    released: each group and registrant chooses, from the notice, a move to a slot with room or a
    cancellation."""
    console_services.close_slot(slot, reason)
    reason = reason.strip()
    return send_notice(
        slot.event.edition, NoticeScope.SLOT, f"场次暂停：{reason}",
        f"因{reason}，本场次暂停接待。已预约的团体和报名的个人可在管理页面一键改约到其他仍有名额的"
        "场次，或取消；不改约也不取消的，请与活动周工作组联系确认安排。",
        slot=slot, closes_slot=True)


def notices_for(slot: Slot) -> list[Notice]:
    """The notices the holders of ``slot`` see, newest first; a closure's only while the slot
    is still closed (reopened, it no longer concerns anyone)."""
    day = slot.local_day
    notices = list(db.session.scalars(
        sa.select(Notice).where(
            Notice.edition_id == slot.event.edition_id,
            sa.or_(sa.and_(Notice.scope == NoticeScope.SLOT, Notice.slot_id == slot.id),
                   sa.and_(Notice.scope == NoticeScope.VENUE_DAY, Notice.venue_id == slot.venue_id,
                           Notice.day == day),
                   sa.and_(Notice.scope == NoticeScope.DAY, Notice.day == day)))
        .order_by(Notice.created_at.desc(), Notice.id.desc())))
    return [n for n in notices if not (n.closes_slot and slot.is_open)]


def affected_bookings(notice: Notice) -> list[Booking]:
    """Groups holding places (confirmed or pending) in the slots the notice concerns."""
    return list(db.session.scalars(
        sa.select(Booking).join(Booking.slot).join(Slot.event)
        .where(_concerns(notice), Booking.status.in_(HOLDING_STATUSES)).order_by(Booking.id)))


def affected_registrations(notice: Notice) -> list[Registration]:
    return list(db.session.scalars(
        sa.select(Registration).join(Registration.slot).join(Slot.event)
        .where(_concerns(notice), Registration.status == RegistrationStatus.CONFIRMED)
        .order_by(Registration.id)))


def move_offers(subject: Booking | Registration, now: datetime, limit: int = 6) -> list[Slot]:
    """Slots with room the holder of a closed slot may move to in one tap (none otherwise): a
    group to the week's group slots that take it, a registrant to the same event's other slots
    (the slots each one's own 改约 page offers)."""
    if not subject.holds_places or subject.slot.is_open:
        return []
    if isinstance(subject, Registration):
        return registration_services.other_slots(subject, now)[:limit]
    return booking_services.move_targets(subject, now, limit=limit)


def move_offers_with_places(subject: Booking | Registration, now: datetime) -> list[tuple[Slot, int]]:
    """``move_offers``, each with the places the move can really take there (persons)."""
    offers = move_offers(subject, now)
    places_for_move = (registration_services.places_for_move if isinstance(subject, Registration)
                       else booking_services.places_for_move)
    left = places_for_move(subject, offers)
    return [(slot, left[slot.id]) for slot in offers]


def move_from_closed(subject: Booking | Registration, new_slot: Slot, *, now: datetime) -> None:
    """The one-tap move a closure offers a group or a registrant: allowed after the change
    deadline too (the college closed the slot, not the holder), under every other rule of a move."""
    if not subject.holds_places:
        raise rules.RuleError("cancelled", "已取消，无法改约。")
    if subject.slot.is_open:
        raise rules.RuleError("slot_open", "原场次没有暂停，请通过“改约”按常规规则调整。")
    if isinstance(subject, Registration):
        registration_services.move_registration(
            subject, new_slot, actor="报名人（变更通知一键改约）", enforce_deadline=False, now=now)
    else:
        booking_services.move_booking(subject, new_slot, actor="领队（变更通知一键改约）",
                                      enforce_deadline=False, now=now)


def _concerns(notice: Notice):
    """SQL condition on Slot/Event: the slots this notice is about."""
    if notice.scope == NoticeScope.SLOT:
        return Slot.id == notice.slot_id
    start, end = local_day_bounds(notice.day)
    in_day = sa.and_(Event.edition_id == notice.edition_id, Slot.starts_at >= start,
                     Slot.starts_at < end, Slot.is_rehearsal.is_(False))
    if notice.scope == NoticeScope.VENUE_DAY:
        return sa.and_(in_day, Slot.venue_id == notice.venue_id)
    return in_day


def _check_target(edition: Edition, scope: NoticeScope, slot, venue, day) -> None:
    if scope == NoticeScope.SLOT:
        if slot is None or slot.event.edition_id != edition.id:
            raise NoticeError("slot_required", "请选择本届活动周的场次。", field="slot_id")
        return
    if day is None or not edition.starts_on <= day <= edition.ends_on:
        raise NoticeError("day_required", "请选择活动周内的日期。", field="day")
    if scope == NoticeScope.VENUE_DAY and venue is None:
        raise NoticeError("venue_required", "请选择场馆。", field="venue_id")


def _author() -> dict:
    if has_request_context() and getattr(current_user, "is_authenticated", False):
        return {"author_id": current_user.id,
                "author_name": current_user.display_name or current_user.username}
    return {"author_name": "系统"}
