"""Public booking pages: slot picker, group form, confirmation, self-service via the manage link."""
from datetime import date

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for

from .. import ratelimits
from ..database import atomic
from ..errors import DomainError
from ..extensions import db
from ..forms import is_carried_over, keeps_typed_input, show_error
from ..privacy import retention_ends
from ..programme import services as programme
from ..programme.models import Slot
from ..timeutil import local_today, utcnow
from ..vehicles import booking_form as vehicles
from ..web import id_arg
from . import capacity, moves, rules, services
from .forms import BookingForm, CancelForm, HeadcountForm

bp = Blueprint("booking", __name__)


@bp.after_request
def no_stale_pages(response):
    # WeChat's browser caches hard: remaining places must be fresh, and a management page
    # (personal data behind a secret link) must never be kept on a shared phone.
    if request.path.startswith("/b/"):
        response.headers["Cache-Control"] = "no-store"
    else:
        response.headers.setdefault("Cache-Control", "no-cache")
    return response


@bp.get("/book")
def slots():
    """Experience-day slot picker of the edition the public books now (programme.booking_edition):
    remaining places per slot, full ones shown as full."""
    now = utcnow()
    edition = programme.booking_edition(now)
    if edition is None:
        return render_template("booking/slots.html", edition=None, days=[], day=None,
                               by_venue={}, window=None, now=now)
    days = programme.slot_days(edition)
    day = _parse_day(request.args.get("day")) or (days[0] if days else None)
    if day not in days and days:
        day = days[0]
    slots = programme.group_slots(edition, day) if day else []
    only = id_arg("event")  # from the programme page: that event's slots (其他场次 one tap away)
    event = next((s.event for s in slots if s.event_id == only), None)
    if event is not None:
        slots = [s for s in slots if s.event_id == only]
    by_venue = {}
    for slot in slots:
        by_venue.setdefault(slot.venue, []).append(slot)
    return render_template("booking/slots.html", edition=edition, days=days, day=day,
                           by_venue=by_venue, window=edition.booking_window(now), now=now,
                           event=event, left=capacity.places_left(slots))


@bp.route("/book/<int:slot_id>", methods=["GET", "POST"])
@keeps_typed_input
@ratelimits.public_form(methods=["POST"])
def new(slot_id: int):
    """The group booking form for one slot, with the privacy notice before submitting.

    The slot comes from the URL. Nothing is stored unless every rule passes; a refused POST
    answers 422 with the reason beside its field, or above the form when it concerns the slot.
    """
    slot = db.get_or_404(Slot, slot_id, options=services.slot_loaded())
    rules.check_published(slot)  # 404 for the public
    now = utcnow()
    form = BookingForm()
    transport = vehicles.transport_form(slot.event.edition)
    problem = rules.bookable_problem(slot, now)
    form_error = problem.message if problem else None
    alternatives = []
    no_room = False  # refused for want of room: the waiting list may still take the group
    carried = is_carried_over()  # typed on a full slot's page: show it here, filled in
    if carried:
        pass
    elif problem is None and vehicles.validate_both(form, transport):
        details = form.details()
        try:
            # The link is read before the commit, so the redirect needs no reload.
            manage_token = atomic(lambda: vehicles.book(
                slot, details, transport.details(), source="web", now=now).manage_token)
        except services.DuplicateBooking as exc:
            form.leader_mobile.errors.append(exc.message)
        except rules.RuleError as exc:
            if not show_error(form, exc):
                form_error = exc.message
        except vehicles.VehicleError as exc:
            if not show_error(transport, exc):
                form_error = exc.message
        except DomainError as exc:  # no room: slot, venue or campus day
            db.session.refresh(slot)
            form_error, no_room = exc.message, True
            alternatives = services.alternatives(slot, details.headcount, now)
        else:
            return redirect(url_for("booking.confirmation", token=manage_token))
    elif problem is None and form.is_submitted():
        _check_group_early(form, slot.event.edition)
    left = capacity.places_left([slot])[slot.id]
    if problem is None and request.method == "GET" and left <= 0:
        form_error = _unavailable_message(slot)
        alternatives = services.alternatives(slot, 1, now)
    status = 422 if request.method == "POST" and not carried else 200
    return render_template("booking/new.html", slot=slot, edition=slot.event.edition, form=form,
                           transport=transport, form_error=form_error, alternatives=alternatives,
                           left=left,
                           alternatives_left=capacity.places_left(alternatives),
                           waitlist=slot.is_open and (left <= 0 or no_room),
                           show_form=problem is None and (request.method == "POST" or left > 0)), \
        status


@bp.get("/b/<token>/confirmed")
def confirmation(token: str):
    """Shown once after booking: the reference code and the management link to keep."""
    booking = services.by_manage_token(token)
    if not booking.holds_places:
        return redirect(url_for("booking.manage", token=token))
    return render_template("booking/confirmation.html", booking=booking)


@bp.get("/b/<token>")
def manage(token: str):
    """The teacher's own page (management link): view, change headcount, cancel."""
    booking = services.by_manage_token(token)
    return _manage_page(booking, HeadcountForm(students=booking.students,
                                               teachers=booking.teachers))


@bp.post("/b/<token>/headcount")
@ratelimits.public_form()
def change_headcount(token: str):
    """Change the numbers under the same capacity and ratio rules."""
    booking = services.by_manage_token(token)
    form = HeadcountForm()
    if form.validate_on_submit():
        try:
            atomic(services.change_headcount, booking, form.students.data, form.teachers.data,
                   now=utcnow())
        except rules.RuleError as exc:
            if not show_error(form, exc):
                flash(exc.message, "error")
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            changed = (f"人数已改为学生{booking.students}人、教师{booking.teachers}人，"
                       f"合计{booking.headcount}人")
            flash(f"{changed}。团队需经工作组审核，审核通过前入场码不能用于入场，结果将邮件通知。"
                  if booking.is_pending else f"{changed}，入场码不变。", "success")
            return redirect(url_for("booking.manage", token=token))
        db.session.refresh(booking)
    return _manage_page(booking, form), 422


@bp.post("/b/<token>/cancel")
@ratelimits.public_form()
def cancel(token: str):
    """Cancel the booking; the places are free for other schools at once."""
    booking = services.by_manage_token(token)
    form = CancelForm()
    if not form.validate_on_submit():
        flash("；".join(m for ms in form.errors.values() for m in ms), "error")
        return redirect(url_for("booking.manage", token=token))
    try:
        atomic(services.cancel_booking, booking, reason=form.reason.data or "",
               enforce_deadline=True, now=utcnow())
    except DomainError as exc:
        flash(exc.message, "error")
    else:
        flash("预约已取消，名额已释放。入场码同时作废。", "success")
    return redirect(url_for("booking.manage", token=token))


@bp.route("/b/<token>/move", methods=["GET", "POST"])
@ratelimits.public_form(methods=["POST"])
def move(token: str):
    """改约: the teacher moves the group to another slot with room (before the change deadline)."""
    return moves.move_page(
        services.by_manage_token(token), kind="booking", move=services.move_booking,
        alternatives=lambda booking, now: services.move_targets(booking, now, limit=30),
        places_left=services.places_for_move, manage_url=url_for("booking.manage", token=token))


@bp.get("/privacy")
def privacy():
    """个人信息保护说明: what each kind of sign-up collects, why, and the day it is deleted
    (the same RETENTION_DAYS and date the purge uses)."""
    edition = programme.current_edition(local_today())
    days = current_app.config["RETENTION_DAYS"]
    return render_template("booking/privacy.html", retention_days=days, edition=edition,
                           purge_on=retention_ends(edition.ends_on, days) if edition else None)


def _check_group_early(form: BookingForm, edition) -> None:
    """Show the ratio and group-size rule with the other field errors, so one round trip fixes all."""
    if form.students.errors or form.teachers.errors or form.school_stage.errors:
        return
    try:
        rules.check_group(edition, form.school_stage.data, form.students.data, form.teachers.data)
    except rules.RuleError as exc:
        show_error(form, exc)


def _unavailable_message(slot: Slot) -> str:
    if not slot.is_open:
        return capacity.closed_message(slot)
    if not slot.is_full:  # the slot has places, the venue at that time or the campus day not
        return "该时段场馆在场人数或全校当日接待人数已达上限，请选择下列仍有名额的场次。"
    return "该场次已约满，请选择下列仍有名额的场次。"


def _manage_page(booking, headcount: HeadcountForm):
    changeable = booking.holds_places and moves.changeable(booking.slot, utcnow())
    return render_template("booking/manage.html", booking=booking, headcount=headcount,
                           cancel=CancelForm(), deadline=rules.change_deadline(booking.slot),
                           changeable=changeable,
                           most=services.most_headcount(booking) if changeable else None)


def _parse_day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def init_app(app):
    from . import api, staff
    from .cli import bookings
    app.register_blueprint(bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(staff.bp)
    app.cli.add_command(bookings)
