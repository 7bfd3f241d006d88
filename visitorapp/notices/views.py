"""Notices: the organizers' page to send them, and the one-tap move from a closed slot (a group's
through its management link, a registrant's through theirs), posted to ``booking.moves``.

The notices themselves are shown by the management and ticket pages through the
``notices_for(slot)`` template global.
"""
from datetime import date

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from wtforms.fields.choices import SelectChoice

from .. import ratelimits
from ..booking import moves
from ..booking import services as booking_services
from ..console.blueprint import edition_or_404, field_error, organizer_required
from ..database import atomic
from ..errors import DomainError
from ..extensions import db
from ..programme.models import Event, Slot, Venue
from ..registration import services as registration_services
from ..timeutil import format_day, format_time, utcnow
from . import services
from .forms import NoticeForm
from .models import Notice

bp = Blueprint("notices", __name__)


@bp.route("/console/notices", methods=["GET", "POST"])
@organizer_required
def index():
    """变更通知: send a notice to every group and registrant of a slot, a venue's day or a day,
    and see what was sent, by whom, to how many."""
    edition = edition_or_404()
    form = NoticeForm()
    _choices(form, edition)
    if form.validate_on_submit():
        try:
            notice = atomic(services.send_notice, edition, form.scope.data, form.title.data,
                            form.body.data, slot=db.session.get(Slot, form.slot_id.data or 0),
                            venue=db.session.get(Venue, form.venue_id.data or 0),
                            day=_day(form.day.data))
        except DomainError as exc:
            field_error(form, exc)
        else:
            flash(f"通知已发布，已向{notice.mailed}个邮箱发送邮件。", "success")
            return redirect(url_for(".index", edition=edition.year))
    sent = db.session.scalars(sa.select(Notice).where(Notice.edition_id == edition.id)
                              .order_by(Notice.created_at.desc(), Notice.id.desc())).all()
    return render_template("notices/index.html", edition=edition, form=form, notices=sent), \
        422 if request.method == "POST" else 200


@bp.post("/b/<token>/notice-move")
@ratelimits.public_form()
def move(token: str):
    """One tap from a closure notice: the group moves to the chosen slot with room."""
    return moves.move_posted(booking_services.by_manage_token(token), move=services.move_from_closed,
                             manage_url=url_for("booking.manage", token=token))


@bp.post("/my/<token>/notice-move")
@ratelimits.public_form()
def move_registration(token: str):
    """One tap from a closure notice: the registrant moves to another slot of the same event."""
    return moves.move_posted(registration_services.by_manage_token(token),
                             move=services.move_from_closed,
                             manage_url=url_for("registration.manage", token=token))


def _choices(form: NoticeForm, edition) -> None:
    slots = db.session.scalars(
        sa.select(Slot).join(Slot.event).where(Event.edition_id == edition.id,
                                               Slot.is_rehearsal.is_(False))
        .order_by(Slot.starts_at, Slot.id)).all()
    form.slot_id.choices = [SelectChoice(0, "（选择场次）")] + [
        SelectChoice(s.id, f"{format_day(s.local_day)} {format_time(s.starts_at)} {s.title}"
                           f"{' · ' + s.venue.name if s.venue else ''}") for s in slots]
    form.venue_id.choices = [SelectChoice(0, "（选择场馆）")] + [
        SelectChoice(v.id, v.name)
        for v in db.session.scalars(sa.select(Venue).order_by(Venue.name))]
    form.day.choices = [SelectChoice("", "（选择日期）")] + [
        SelectChoice(d.isoformat(), format_day(d)) for d in edition.days()]


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _move_offers(subject) -> list[tuple]:
    """For the notice panel (a booking's or a registration's): each offered slot with the places
    the move can really take (the page reads the clock, the rule takes it)."""
    return services.move_offers_with_places(subject, utcnow())


def init_app(app) -> None:
    app.register_blueprint(bp)
    app.add_template_global(services.notices_for, "notices_for")
    app.add_template_global(_move_offers, "notice_move_offers")
