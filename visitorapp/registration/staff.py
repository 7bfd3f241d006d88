"""Organizer pages: extra questions per event, who registered, their uploaded files."""
import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, send_file, url_for

from ..accounts.access import roles_required
from ..accounts.models import Role
from ..audit.models import log_action
from ..database import atomic
from ..errors import DomainError
from ..extensions import db
from ..forms import ActionForm
from ..programme import services as programme
from ..programme.models import Event, ParticipationMode
from ..tickets import services as tickets
from ..timeutil import local_today
from . import services, uploads
from .forms import QuestionForm
from .models import QuestionKind, Registration, RegistrationQuestion

bp = Blueprint("registration_staff", __name__, url_prefix="/staff/registration")


@bp.get("/")
@roles_required(Role.ORGANIZER)
def index():
    """个人报名 overview: each individual event with its slots' places and waiting lists."""
    edition = programme.current_edition(local_today())
    if edition is None:
        abort(404)
    return render_template("registration/staff_index.html", edition=edition,
                           events=services.individual_events(edition))


@bp.route("/events/<int:event_id>", methods=["GET", "POST"])
@roles_required(Role.ORGANIZER)
def event(event_id: int):
    """One individual event: its extra questions (add, remove) and who registered."""
    found = db.get_or_404(Event, event_id)
    if found.mode != ParticipationMode.INDIVIDUAL:
        abort(404)
    form = QuestionForm()
    if form.validate_on_submit():
        atomic(add_question, found, form)
        flash("已添加报名问题。", "success")
        return redirect(url_for(".event", event_id=event_id))
    registrations = db.session.scalars(
        sa.select(Registration).where(Registration.event_id == event_id)
        .order_by(Registration.slot_id, Registration.id)).all()
    return render_template("registration/staff_event.html", event=found, form=form,
                           questions=services.questions_for(event_id),
                           registrations=registrations, action=ActionForm(),
                           repeated=services.repeated_student_numbers(event_id))


def add_question(event: Event, form: QuestionForm) -> RegistrationQuestion:
    question = RegistrationQuestion(
        event_id=event.id, label=form.label.data, kind=QuestionKind(form.kind.data),
        required=form.required.data, help_text=form.help_text.data or "",
        file_types=form.file_types.data, max_kb=form.max_kb.data,
        position=len(services.questions_for(event.id)) + 1)
    db.session.add(question)
    db.session.flush()
    log_action("registration.question_add", question, summary=f"{event.name}：{question.label}"[:200])
    return question


@bp.post("/questions/<int:question_id>/delete")
@roles_required(Role.ORGANIZER)
def delete_question(question_id: int):
    """Remove a question (answers already given stay with their registrations)."""
    question = db.get_or_404(RegistrationQuestion, question_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    event_id = question.event_id

    def remove():
        log_action("registration.question_delete", question, summary=question.label)
        db.session.delete(question)

    atomic(remove)
    flash("已删除报名问题。", "success")
    return redirect(url_for(".event", event_id=event_id))


@bp.post("/<int:registration_id>/resend")
@roles_required(Role.ORGANIZER)
def resend(registration_id: int):
    """重发确认邮件: the confirmation with the ticket again, to the registrant's address (audited)."""
    registration = db.get_or_404(Registration, registration_id)
    if ActionForm().validate_on_submit():
        try:
            sent_to = atomic(tickets.resend_confirmation, registration)
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            flash(f"{registration.reference} 的确认邮件已重新发送至 {sent_to}。", "success")
    return redirect(url_for(".event", event_id=registration.event_id))


@bp.get("/<int:registration_id>/files/<field>")
@roles_required(Role.ORGANIZER)
def file(registration_id: int, field: str):
    """An uploaded file (e.g. a CV), for staff only, always as a download."""
    registration = db.get_or_404(Registration, registration_id)
    meta = (registration.answers or {}).get(field)
    if not isinstance(meta, dict):
        abort(404)
    return send_file(uploads.path_of("cv", meta["stored_name"]), mimetype=meta["content_type"],
                     as_attachment=True, download_name=meta["original_name"])
