"""Public booking pages: slot picker, group form, confirmation, self-service via the manage link."""
from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for

from ..database import atomic
from ..errors import DomainError
from ..extensions import db, limiter
from ..programme import services as programme
from ..programme.models import Slot
from . import rules, services
from .forms import BookingForm, CancelForm, HeadcountForm
from .services import GroupDetails

bp = Blueprint("booking", __name__)


def public_form_limit() -> str:
    return current_app.config["RATELIMIT_PUBLIC_FORM"]


@bp.get("/book")
def slots():
    """Experience-day slot picker: remaining places per slot, full ones shown as full."""
    edition = programme.current_edition()
    if edition is None:
        abort(404)
    days = programme.slot_days(edition)
    day = _parse_day(request.args.get("day")) or (days[0] if days else None)
    if day not in days and days:
        day = days[0]
    slots = programme.group_slots(edition, day) if day else []
    by_venue = {}
    for slot in slots:
        by_venue.setdefault(slot.venue, []).append(slot)
    return render_template("booking/slots.html", edition=edition, days=days, day=day,
                           by_venue=by_venue, booking_open=edition.booking_open())


@bp.route("/book/<int:slot_id>", methods=["GET", "POST"])
@limiter.limit(public_form_limit, methods=["POST"])
def new(slot_id: int):
    """The group booking form for one slot, with the privacy notice before submitting."""
    slot = db.get_or_404(Slot, slot_id)
    if slot.is_rehearsal:
        abort(404)
    edition = slot.event.edition
    form = BookingForm(slot_id=slot.id)
    alternatives = []
    if form.validate_on_submit():
        details = details_from_form(form)
        try:
            booking = atomic(services.create_booking, slot, details, source="web")
        except services.DuplicateBooking as exc:
            form.leader_mobile.errors.append(exc.message)
        except rules.RuleError as exc:
            _field(form, exc.field).errors.append(exc.message)
        except DomainError as exc:  # no room
            flash(exc.message, "error")
            alternatives = services.alternatives(slot, details.headcount)
        else:
            return redirect(url_for("booking.confirmation", token=booking.manage_token))
    return render_template("booking/new.html", slot=slot, edition=edition, form=form,
                           alternatives=alternatives, rules=rules,
                           booking_open=edition.booking_open())


@bp.get("/b/<token>/confirmed")
def confirmation(token: str):
    """Shown once after booking: the reference code and the management link to keep."""
    booking = services.by_manage_token(token)
    return render_template("booking/confirmation.html", booking=booking)


@bp.get("/b/<token>")
def manage(token: str):
    """The teacher's own page (management link): view, change headcount, cancel."""
    booking = services.by_manage_token(token)
    headcount = HeadcountForm(students=booking.students, teachers=booking.teachers)
    return render_template("booking/manage.html", booking=booking, headcount=headcount,
                           cancel=CancelForm(), deadline=rules.change_deadline(booking.slot),
                           changeable=_changeable(booking))


@bp.post("/b/<token>/headcount")
@limiter.limit(public_form_limit)
def change_headcount(token: str):
    """Change the numbers under the same capacity and ratio rules."""
    booking = services.by_manage_token(token)
    form = HeadcountForm()
    if form.validate_on_submit():
        try:
            atomic(services.change_headcount, booking, form.students.data, form.teachers.data)
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            flash("人数已修改，入场码不变。", "success")
            return redirect(url_for("booking.manage", token=token))
    else:
        for errors in form.errors.values():
            for message in errors:
                flash(message, "error")
    return render_template("booking/manage.html", booking=booking, headcount=form,
                           cancel=CancelForm(), deadline=rules.change_deadline(booking.slot),
                           changeable=_changeable(booking)), 422


@bp.post("/b/<token>/cancel")
@limiter.limit(public_form_limit)
def cancel(token: str):
    """Cancel the booking; the places are free for other schools at once."""
    booking = services.by_manage_token(token)
    form = CancelForm()
    if not form.validate_on_submit():
        flash("；".join(m for ms in form.errors.values() for m in ms), "error")
        return redirect(url_for("booking.manage", token=token))
    try:
        atomic(services.cancel_booking, booking, reason=form.reason.data or "",
               enforce_deadline=True)
    except DomainError as exc:
        flash(exc.message, "error")
    else:
        flash("预约已取消，名额已释放。入场码同时作废。", "success")
    return redirect(url_for("booking.manage", token=token))


@bp.get("/privacy")
def privacy():
    """个人信息保护说明: what is kept, why, for how long."""
    return render_template("booking/privacy.html",
                           retention_days=current_app.config["RETENTION_DAYS"])


def details_from_form(form: BookingForm) -> GroupDetails:
    return GroupDetails(
        school_name=form.school_name.data, school_stage=form.school_stage.data,
        grades=form.grades.data or "", students=form.students.data,
        teachers=form.teachers.data, leader_name=form.leader_name.data,
        leader_mobile=form.leader_mobile.data, email=(form.email.data or "").strip(),
        notes=form.notes.data or "")


def _field(form, name):
    return getattr(form, name or "students", None) or form.students


def _changeable(booking) -> bool:
    try:
        rules.check_changeable(booking.slot)
    except DomainError:
        return False
    return booking.is_active


def _parse_day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def init_app(app):
    app.register_blueprint(bp)
