"""Waiting-list pages: join from a full slot, the entry's own page (accept, leave), the queue."""
import click
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from wtforms.validators import DataRequired

from .. import ratelimits
from ..accounts.access import roles_required
from ..accounts.models import Role
from ..booking import capacity, rules
from ..booking.forms import BookingForm
from ..database import atomic
from ..errors import DomainError
from ..extensions import db
from ..forms import ActionForm, is_carried_over, keeps_typed_input, show_error
from ..programme import services as programme
from ..programme.models import Slot
from ..registration.forms import RegistrationForm
from ..timeutil import local_today, utcnow
from . import services
from .models import EntryKind, EntryStatus

bp = Blueprint("waitlist", __name__)


@bp.route("/book/<int:slot_id>/waitlist", methods=["GET", "POST"])
@keeps_typed_input
@ratelimits.public_form(methods=["POST"])
def join_group(slot_id: int):
    """加入候补 for a full group slot: the same group details as the booking form."""
    slot = _public_slot(slot_id)
    return _join(slot, BookingForm(slot_id=slot.id), services.join_group, "leader_mobile",
                 kind="group", left=capacity.places_left)


@bp.route("/r/<int:slot_id>/waitlist", methods=["GET", "POST"])
@keeps_typed_input
@ratelimits.public_form(methods=["POST"])
def join_individual(slot_id: int):
    """加入候补 for a full registration slot (full for this person: see the service)."""
    slot = _public_slot(slot_id)
    return _join(slot, RegistrationForm(), services.join_individual, "mobile",
                 kind="individual", left=capacity.person_places_left)


def _join(slot, form, join, mobile_field: str, *, kind: str, left):
    """The join page and its POST, for groups and individuals alike: ``join`` is the service,
    ``left`` the places function the page shows (the same one the slot's own page reads)."""
    form = _email_required(form)
    carried = is_carried_over()  # from the full slot's form: filled in, not yet sent
    if not carried and form.validate_on_submit():
        try:
            entry = atomic(join, slot, form.details(), utcnow())
        except DomainError as exc:
            show_error(form, exc, mobile_field)
        else:
            return redirect(url_for("waitlist.entry", token=entry.token))
    return render_template("waitlist/join.html", slot=slot, form=form, kind=kind,
                           left=left([slot])[slot.id]), \
        422 if form.is_submitted() and not carried else 200


def _email_required(form):
    """Offers go out by e-mail only: on the waiting list the address is required, and says so
    (the booking forms' "选填" label would contradict the page)."""
    form.email.label.text = "电子邮箱（必填，名额释放时通过邮件通知您）"
    form.email.validators = [DataRequired("候补名额只通过邮件通知，请填写电子邮箱。"),
                             *form.email.validators]
    return form


@bp.get("/w/<token>")
def entry(token: str):
    """The entry's own page: place in the queue, or the offer to accept before it expires."""
    found = services.by_token(token)
    position = services.position(found) if found.status == EntryStatus.WAITING else None
    return render_template("waitlist/entry.html", entry=found, position=position,
                           action=ActionForm(), now=utcnow())


@bp.post("/w/<token>/accept")
@ratelimits.public_form()
def accept(token: str):
    """Confirm an offer: the held places become a booking or registration."""
    found = services.by_token(token)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        result = atomic(services.accept, found, utcnow())
    except DomainError as exc:
        flash(exc.message, "error")
        return redirect(url_for("waitlist.entry", token=token))
    flash("候补名额已确认！", "success")
    if found.kind == EntryKind.GROUP:
        return redirect(url_for("booking.confirmation", token=result.manage_token))
    return redirect(url_for("registration.manage", token=result.manage_token))


@bp.post("/w/<token>/leave")
@ratelimits.public_form()
def leave(token: str):
    """Leave the queue (a held offer passes to the next entry)."""
    found = services.by_token(token)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        atomic(services.leave, found, utcnow())
    except DomainError as exc:
        flash(exc.message, "error")
    else:
        flash("已退出候补。", "success")
    return redirect(url_for("waitlist.entry", token=token))


@bp.get("/staff/waitlist")
@roles_required(Role.ORGANIZER)
def queue():
    """候补队列: every slot's queue and offers, for organizers."""
    edition = programme.current_edition(local_today())
    entries = services.queue(edition.id if edition else None)
    by_slot = {}
    for item in entries:
        by_slot.setdefault(item.slot, []).append(item)
    return render_template("waitlist/queue.html", by_slot=by_slot, now=utcnow(), edition=edition)


def _public_slot(slot_id: int) -> Slot:
    """The slot, or 404 when the publication rule hides it from the public."""
    slot = db.get_or_404(Slot, slot_id)
    rules.check_published(slot)
    return slot


@click.group("waitlist")
def waitlist_cli():
    """Waiting-list maintenance."""


@waitlist_cli.command("expire-offers")
def expire_offers_command():
    """Expire offers past their time and offer the places to the next entries (cron, e.g. every 10 min)."""
    count = atomic(services.expire_offers, utcnow())
    click.echo(f"已处理超时候补名额 {count} 个。")


def init_app(app):
    app.register_blueprint(bp)
    app.cli.add_command(waitlist_cli)
    app.config.setdefault("WAITLIST_OFFER_HOURS", 24)
    services.connect_signals()
