"""Public individual registration: the events list, the form, the registrant's own page."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from .. import ratelimits
from ..booking import capacity, moves, rules
from ..database import atomic
from ..errors import DomainError
from ..extensions import db
from ..forms import ActionForm, is_carried_over, keeps_typed_input, show_error
from ..programme import services as programme
from ..programme.models import ParticipationMode, Slot
from ..timeutil import utcnow
from . import answers as answer_store
from . import services
from .forms import registration_form_class

bp = Blueprint("registration", __name__)


@bp.get("/events")
def events():
    """个人报名: the individual events of the current week with their slots and places."""
    now = utcnow()
    edition = programme.booking_edition(now)
    if edition is None:
        abort(404)
    events = services.individual_events(edition)
    return render_template("registration/events.html", edition=edition, events=events, now=now,
                           window=edition.booking_window(now),
                           left=capacity.person_places_left([s for e in events for s in e.slots]))


@bp.route("/r/<int:slot_id>", methods=["GET", "POST"])
@keeps_typed_input
@ratelimits.public_form(methods=["POST"])
def new(slot_id: int):
    """The registration form for one slot; a full slot offers the waiting list instead."""
    slot = db.get_or_404(Slot, slot_id)
    rules.check_published(slot)  # 404 for the public
    if slot.event.mode != ParticipationMode.INDIVIDUAL:
        abort(404)
    questions = services.questions_for(slot.event_id)
    form = registration_form_class(questions)()
    now = utcnow()
    problem = services.registrable_problem(slot, now)
    carried = is_carried_over()  # back from a refused submission: filled in, not yet sent
    if not carried and problem is None and form.validate_on_submit():
        try:
            values = {f.name: f.data for f in form.extra_fields()}
            details = form.details(answer_store.store_answers(questions, values))
        except DomainError as exc:
            show_error(form, exc, "name")
        else:
            try:
                registration = atomic(services.create_registration, slot, details, now=now)
            except DomainError as exc:
                answer_store.discard(answer_store.stored_files(details.answers))
                if not show_error(form, exc):
                    flash(exc.message, "error")
            else:
                return redirect(url_for("registration.manage", token=registration.manage_token,
                                        new=1))
    status = 422 if request.method == "POST" and not carried else 200
    db.session.refresh(slot)
    # The form only where a sign-up can succeed; a full slot offers its waiting list instead.
    return render_template("registration/new.html", slot=slot, form=form, problem=problem,
                           left=capacity.person_places_left([slot])[slot.id]), status


@bp.get("/my/<token>")
def manage(token: str):
    """The registrant's own page (manage link): ticket, cancel, move."""
    registration = services.by_manage_token(token)
    return render_template("registration/manage.html", registration=registration,
                           just_registered=request.args.get("new") == "1",
                           deadline=rules.change_deadline(registration.slot),
                           changeable=moves.changeable(registration.slot, utcnow()), cancel=ActionForm())


@bp.post("/my/<token>/cancel")
@ratelimits.public_form()
def cancel(token: str):
    """Cancel: the place goes at once to the waiting list or to anyone else."""
    registration = services.by_manage_token(token)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        atomic(services.cancel_registration, registration, now=utcnow())
    except DomainError as exc:
        flash(exc.message, "error")
    else:
        flash("报名已取消，名额已释放，入场码同时作废。", "success")
    return redirect(url_for("registration.manage", token=token))


@bp.route("/my/<token>/move", methods=["GET", "POST"])
@ratelimits.public_form(methods=["POST"])
def move(token: str):
    """改约: the student moves to another slot of the same event (before the change deadline)."""
    return moves.move_page(
        services.by_manage_token(token), kind="registration", move=services.move_registration,
        alternatives=services.other_slots, places_left=services.places_for_move,
        manage_url=url_for("registration.manage", token=token))


def init_app(app):
    from . import api, staff
    app.register_blueprint(bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(staff.bp)
