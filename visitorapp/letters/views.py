"""家长告知书: the teacher's printable letter (management link) and the organizers' template."""
from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for

from ..booking import services as booking_services
from ..console.blueprint import edition_or_404, field_error, organizer_required
from ..database import atomic
from ..errors import DomainError
from ..forms import ActionForm
from ..timeutil import local_today
from . import services
from .forms import LetterTemplateForm

bp = Blueprint("letters", __name__)


@bp.get("/b/<token>/letter")
def letter(token: str):
    """The parents' letter for this visit, on one A4 page with a return slip to cut off."""
    booking = booking_services.by_manage_token(token)
    if not booking.holds_places:
        flash("预约已取消，无需打印家长告知书。", "error")
        return redirect(url_for("booking.manage", token=token))
    response = make_response(render_template("letters/letter.html", booking=booking,
                                             letter=services.letter_for(booking), issued=local_today()))
    response.headers["Cache-Control"] = "no-store"  # the leader's mobile, on a shared phone
    return response


@bp.route("/console/letter", methods=["GET", "POST"])
@organizer_required
def template():
    """Edit this edition's letter: each part with 【占位符】 the visit fills in."""
    edition = edition_or_404()
    form = LetterTemplateForm(data=services.template_for(edition) if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            atomic(services.save_template, edition, {p: getattr(form, p).data for p in services.PARTS})
        except DomainError as exc:
            field_error(form, exc)
        else:
            flash("家长告知书模板已保存。", "success")
            return redirect(url_for(".template", edition=edition.year))
    return render_template("letters/template.html", edition=edition, form=form,
                           placeholders=services.PLACEHOLDERS, reset=ActionForm())


@bp.post("/console/letter/reset")
@organizer_required
def reset():
    """Back to the default text."""
    edition = edition_or_404()
    if ActionForm().validate_on_submit():
        atomic(services.reset_template, edition)
        flash("已恢复默认模板。", "success")
    return redirect(url_for(".template", edition=edition.year))


def init_app(app) -> None:
    app.register_blueprint(bp)
