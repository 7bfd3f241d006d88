"""改约: move a group booking or a registration to another slot through its management link."""
from flask import Blueprint, flash, redirect, render_template, url_for

from .. import ratelimits
from ..booking import rules
from ..booking import services as booking_services
from ..database import atomic
from ..errors import DomainError
from ..extensions import db
from ..programme.models import Slot
from ..timeutil import utcnow
from . import services
from .forms import MoveForm

bp = Blueprint("moves", __name__)


def changeable(slot: Slot, now) -> bool:
    try:
        rules.check_changeable(slot, now)
    except DomainError:
        return False
    return True


@bp.route("/b/<token>/move", methods=["GET", "POST"])
@ratelimits.public_form(methods=["POST"])
def booking(token: str):
    """A teacher moves the group to another slot with room (before the change deadline)."""
    now = utcnow()
    found = booking_services.by_manage_token(token)
    form = MoveForm()
    if found.holds_places and form.validate_on_submit():
        new_slot = db.session.get(Slot, form.slot_id.data)
        try:
            if new_slot is None:
                raise rules.RuleError("slot_not_found", "场次不存在。")
            atomic(booking_services.move_booking, found, new_slot, now=now)
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            flash("改约成功，入场码不变。", "success")
            return redirect(url_for("booking.manage", token=token))
    options = booking_services.alternatives(found.slot, found.headcount, now, limit=30) \
        if found.holds_places else []
    return render_template("registration/move.html", subject=found, kind="booking", form=form,
                           options=options, changeable=changeable(found.slot, now),
                           deadline=rules.change_deadline(found.slot),
                           back=url_for("booking.manage", token=token))


@bp.route("/my/<token>/move", methods=["GET", "POST"])
@ratelimits.public_form(methods=["POST"])
def registration(token: str):
    """A student moves to another slot of the same event (before the change deadline)."""
    now = utcnow()
    found = services.by_manage_token(token)
    form = MoveForm()
    if found.is_active and form.validate_on_submit():
        new_slot = db.session.get(Slot, form.slot_id.data)
        try:
            if new_slot is None:
                raise rules.RuleError("slot_not_found", "场次不存在。")
            atomic(services.move_registration, found, new_slot, now=now)
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            flash("改约成功，入场码不变。", "success")
            return redirect(url_for("registration.manage", token=token))
    options = services.other_slots(found, now) if found.is_active else []
    return render_template("registration/move.html", subject=found, kind="registration",
                           form=form, options=options, changeable=changeable(found.slot, now),
                           deadline=rules.change_deadline(found.slot),
                           back=url_for("registration.manage", token=token))
