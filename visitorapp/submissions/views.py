"""材料报送: a page per department (reporters: their own; organizers: any) and the overview."""
from flask import Blueprint, abort, flash, redirect, render_template, send_file, url_for
from flask_login import current_user

from ..accounts.access import roles_required
from ..accounts.models import Role
from ..database import atomic
from ..errors import DomainError
from ..extensions import db
from ..forms import ActionForm
from ..programme.models import Department, Edition
from ..programme.params import redirect_legacy, requested_edition
from ..registration import uploads
from ..timeutil import local_today, utcnow
from . import services
from .forms import SubmissionForm
from .models import SubmissionImage, SubmissionKind

bp = Blueprint("submissions", __name__, url_prefix="/submissions")
bp.before_request(redirect_legacy)


@bp.get("/")
@roles_required(Role.ORGANIZER, Role.REPORTER)
def department_home():
    """Reporter landing: the own department's submissions; organizers go to the overview."""
    if current_user.role == Role.REPORTER:
        if current_user.department_id is None:
            abort(403)
        return redirect(url_for(".department", department_id=current_user.department_id))
    return redirect(url_for(".overview"))


@bp.get("/departments/<int:department_id>")
@roles_required(Role.ORGANIZER, Role.REPORTER)
def department(department_id: int):
    """What one department owes, by kind and deadline, with its drafts and submissions."""
    dept = _department(department_id)
    edition = _edition()
    return render_template("submissions/department.html", department=dept, edition=edition,
                           kinds=list(SubmissionKind), today=local_today(), action=ActionForm(),
                           submissions=services.for_department(edition, dept))


@bp.post("/departments/<int:department_id>/new/<kind>")
@roles_required(Role.ORGANIZER, Role.REPORTER)
def start(department_id: int, kind: str):
    """Start a draft of one kind (教授一分钟说专业: open the existing one)."""
    dept = _department(department_id)
    if kind not in SubmissionKind.__members__.values() or not ActionForm().validate_on_submit():
        abort(400)
    submission = atomic(services.start, _edition(), dept, SubmissionKind(kind), current_user.username)
    return redirect(url_for(".edit", submission_id=submission.id))


@bp.route("/<int:submission_id>", methods=["GET", "POST"])
@roles_required(Role.ORGANIZER, Role.REPORTER)
def edit(submission_id: int):
    """Write the text with a live character count, add images, save a draft or submit."""
    submission = services.get(submission_id)
    _department(submission.department_id)
    form = SubmissionForm(obj=submission)
    status = 200
    if form.validate_on_submit():
        stored, now = [], utcnow()

        def unit():
            # Image and text in one unit of work: an over-long text keeps neither.
            if form.image.data and getattr(form.image.data, "filename", ""):
                stored.append(services.add_image(submission, form.image.data).stored_name)
            services.save(submission, title=form.title.data or "", body=form.body.data or "",
                          video_url=form.video_url.data or "", submit=bool(form.submit.data), now=now,
                          actor=current_user.username)

        try:
            atomic(unit)
        except DomainError as exc:
            uploads.discard("submissions", stored)  # the refused save keeps no file either
            getattr(form, exc.field or "body").errors.append(exc.message)
            status = 422
        else:
            flash("已提交，感谢！提交后仍可修改。" if form.submit.data else "草稿已保存。", "success")
            return redirect(url_for(".edit", submission_id=submission.id))
    elif form.is_submitted():
        status = 422
    return render_template("submissions/edit.html", submission=submission, form=form,
                           count=services.character_count(form.body.data or ""),
                           action=ActionForm()), status


@bp.post("/images/<int:image_id>/delete")
@roles_required(Role.ORGANIZER, Role.REPORTER)
def delete_image(image_id: int):
    image = db.get_or_404(SubmissionImage, image_id)
    _department(image.submission.department_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    submission_id = image.submission_id
    atomic(services.remove_image, image)
    flash("图片已删除。", "success")
    return redirect(url_for(".edit", submission_id=submission_id))


@bp.get("/images/<int:image_id>")
@roles_required(Role.ORGANIZER, Role.REPORTER)
def image(image_id: int):
    """An uploaded image, to signed-in staff of its department (never a public URL)."""
    found = db.get_or_404(SubmissionImage, image_id)
    _department(found.submission.department_id)
    return send_file(uploads.path_of("submissions", found.stored_name), mimetype=found.content_type)


@bp.get("/overview")
@roles_required(Role.ORGANIZER)
def overview():
    """宣传统战部: who has submitted what and who is missing."""
    edition = _edition()
    editions = db.session.scalars(db.select(Edition).order_by(Edition.year.desc())).all()
    return render_template("submissions/overview.html", edition=edition, kinds=list(SubmissionKind),
                           rows=services.overview(edition), today=local_today(), editions=editions)


@bp.get("/export.zip")
@roles_required(Role.ORGANIZER)
def export():
    """Everything submitted, texts and images, as one ZIP archive."""
    edition = _edition()
    return send_file(services.export_zip(edition), mimetype="application/zip", as_attachment=True,
                     download_name=f"{edition.year}活动周材料报送.zip")


def _edition():
    """?edition=YEAR (a past week's overview and ZIP stay reachable), else the current one."""
    return requested_edition()


def _department(department_id: int) -> Department:
    """Reporters may open only their own department; organizers any."""
    dept = db.get_or_404(Department, department_id)
    if current_user.role == Role.REPORTER and current_user.department_id != dept.id:
        abort(403)
    return dept


def init_app(app):
    app.config.setdefault("SUBMISSION_IMAGE_MAX_BYTES", 5 * 1024 * 1024)
    app.register_blueprint(bp)
