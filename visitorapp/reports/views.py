"""Statistics report pages (活动情况报表): a department's rows and entries, submission,
the organizer's overview, the college report (page and XLSX), deadline and column titles."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..accounts.access import roles_required
from ..accounts.models import Role
from ..database import atomic
from ..errors import DomainError
from ..extensions import db
from ..programme.models import Department, Edition, Event
from ..programme.params import redirect_legacy, requested_edition
from ..timeutil import local_today, utcnow
from . import layout, services, statistics
from .forms import DeadlineForm, EntryForm, titles_form
from .report_xlsx import report_title, write_report_workbook
from .spreadsheet import xlsx_response

bp = Blueprint("reports", __name__, url_prefix="/reports")
bp.before_request(redirect_legacy)

REPORT_ROLES = (Role.ORGANIZER, Role.REPORTER)


def _edition() -> Edition:
    """?edition=YEAR, else the edition the public sees."""
    return requested_edition()


def _editions() -> list[Edition]:
    return list(db.session.scalars(db.select(Edition).order_by(Edition.year.desc())))


def _department(department_id: int) -> Department:
    department = db.get_or_404(Department, department_id)
    if not services.may_report_for(current_user, department):
        abort(403)
    return department


@bp.get("/")
@roles_required(*REPORT_ROLES)
def department_home():
    """A reporter's landing page (their department's report); organizers see who has submitted."""
    edition = _edition()
    if current_user.role == Role.REPORTER:
        if current_user.department_id is None:
            abort(403)
        return _department_page(edition, current_user.department)
    return render_template("reports/overview.html", edition=edition, editions=_editions(),
                           status=services.submission_status(edition),
                           deadline=services.deadline(edition),
                           deadline_passed=services.deadline_passed(edition, local_today()))


@bp.get("/department/<int:department_id>")
@roles_required(*REPORT_ROLES)
def department(department_id: int):
    """One 填报单位's report: automatic figures and what it entered, per activity."""
    return _department_page(_edition(), _department(department_id))


def _department_page(edition: Edition, department: Department):
    report = statistics.department_report(edition, department, utcnow())
    return render_template("reports/department.html", edition=edition, editions=_editions(),
                           department=department, report=report,
                           confirm_empty=request.args.get("confirm") == "empty",
                           header=layout.header(services.column_titles(edition)),
                           cell=layout.cell, submission=services.submission(edition, department),
                           deadline=services.deadline(edition),
                           deadline_passed=services.deadline_passed(edition, local_today()))


@bp.route("/department/<int:department_id>/event/<int:event_id>", methods=["GET", "POST"])
@roles_required(*REPORT_ROLES)
def entry(department_id: int, event_id: int):
    """Enter the figures no scanner sees for one activity."""
    department = _department(department_id)
    event = db.get_or_404(Event, event_id)
    if not services.runs(event, department):
        abort(404)
    existing = services.entry_for(event, department)
    form = EntryForm(obj=existing)
    back = url_for("reports.department", department_id=department.id, edition=event.edition.year)
    if form.validate_on_submit():
        try:
            atomic(services.save_entry, event, department, form.values(), current_user, utcnow())
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            flash(f"已保存「{event.name}」的填报内容。", "success")
            return redirect(back)
    return render_template("reports/entry.html", form=form, event=event, department=department,
                           back=back,
                           deadline_passed=services.deadline_passed(event.edition, local_today()))


@bp.post("/department/<int:department_id>/submit")
@roles_required(*REPORT_ROLES)
def submit(department_id: int):
    """Hand in the department's report (again, to update the time)."""
    from ..forms import ActionForm
    department = _department(department_id)
    edition = _edition()
    if not ActionForm().validate_on_submit():
        abort(400)
    now = utcnow()
    report = statistics.department_report(edition, department, now)
    if report.mostly_empty and request.form.get("confirm_empty") != "1":
        empty = sum(r.is_empty for r in report.rows if not r.coordinating)
        flash(f"本单位有{empty}项活动（共{len(report.rows)}项）尚无任何数据。确认这些活动没有开展或无需填报后，"
              "请点击“仍然提交”。", "warning")
        return redirect(url_for("reports.department", department_id=department.id,
                                edition=edition.year, confirm="empty"))
    try:
        atomic(services.submit, edition, department, current_user, now)
    except DomainError as exc:
        flash(exc.message, "error")
    else:
        flash(f"{department.name}的{edition.year}年活动情况报表已提交。", "success")
    return redirect(url_for("reports.department", department_id=department.id, edition=edition.year))


@bp.get("/college")
@roles_required(Role.ORGANIZER)
def college():
    """全院活动情况报表, printable (A4 landscape)."""
    edition = _edition()
    college_report, departments = statistics.all_reports(edition, utcnow())
    sums, mismatches = layout.reconcile(college_report, departments)
    return render_template("reports/college.html", edition=edition, editions=_editions(),
                           report=college_report, title=report_title(college_report),
                           today=local_today(), mismatches=mismatches,
                           header=layout.header(services.column_titles(edition)), cell=layout.cell)


@bp.get("/college.xlsx")
@roles_required(Role.ORGANIZER)
def college_xlsx():
    """The college report as one workbook: 全院汇总 and a sheet per 填报单位."""
    edition = _edition()
    college_report, departments = statistics.all_reports(edition, utcnow())
    submitted = {s.department.id: s.submitted_at for s in services.submission_status(edition)}
    titles = services.column_titles(edition)
    today = local_today()
    return xlsx_response(f"{edition.year}年职业教育活动周活动情况报表.xlsx", lambda path: (
        write_report_workbook(path, college_report, departments, submitted, titles, today)))


@bp.route("/settings", methods=["GET", "POST"])
@roles_required(Role.ORGANIZER)
def settings():
    """The deadline of this edition and the column titles of the report."""
    edition = _edition()
    defaults = layout.default_titles()
    deadline_form = DeadlineForm(prefix="deadline", report_deadline=services.deadline(edition),
                                 accept_late_submissions=edition.accept_late_submissions)
    form = titles_form(services.column_titles(edition), defaults)
    back = url_for("reports.settings", edition=edition.year)
    if request.method == "POST":
        if "deadline-report_deadline" in request.form:
            if deadline_form.validate_on_submit():
                atomic(services.set_deadline, edition, deadline_form.report_deadline.data,
                       deadline_form.accept_late_submissions.data)
                flash("截止日期已保存。", "success")
                return redirect(back)
        elif form.validate_on_submit():
            titles = {k: form[k].data for k in defaults}
            atomic(services.set_column_titles, edition, titles, defaults)
            flash("列标题已保存。", "success")
            return redirect(back)
    return render_template("reports/settings.html", edition=edition, deadline_form=deadline_form,
                           form=form, defaults=defaults)


def init_app(app):
    from . import export_views  # noqa: F401 - registers its routes on bp
    from .purge import purge_personal_data
    app.register_blueprint(bp)
    app.cli.add_command(purge_personal_data)
