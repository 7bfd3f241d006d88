"""Export and roster pages: filter, download (XLSX/CSV, streamed), print."""
from flask import abort, render_template, request

from ..accounts.access import roles_required
from ..accounts.models import Role
from ..audit.models import log_action
from ..errors import InvalidInput
from ..extensions import db
from ..programme.models import Edition, Event, Venue
from ..programme.services import current_edition
from ..timeutil import local_today, utcnow
from . import exports, roster
from .forms import ExportFilterForm
from .spreadsheet import csv_response, with_total, write_xlsx, xlsx_response
from .views import bp

KINDS = {
    "bookings": ("预约明细", exports.BOOKING_COLUMNS),
    "attendance": ("到场情况", exports.ATTENDANCE_COLUMNS),
    "registrations": ("个人报名", exports.REGISTRATION_COLUMNS),
}


def filter_form() -> ExportFilterForm:
    """The filter form read from the query string, with choices for the chosen edition."""
    form = ExportFilterForm(formdata=request.args)
    editions = list(db.session.scalars(db.select(Edition).order_by(Edition.year.desc())))
    form.edition.choices = [(e.year, f"{e.year}年") for e in editions]
    if not request.args.get("edition"):
        edition = current_edition(local_today())
        form.edition.data = edition.year if edition else None
    ids = {e.year: e.id for e in editions}
    edition_id = ids.get(form.edition.data) if isinstance(form.edition.data, int) else None
    form.edition_id = edition_id
    form.venue.choices = [(None, "全部")] + [(v.id, v.name) for v in db.session.scalars(
        db.select(Venue).order_by(Venue.name))]
    form.event.choices = [(None, "全部")] + [(e.id, f"{e.seq}. {e.name}") for e in db.session.scalars(
        db.select(Event).where(Event.edition_id == edition_id).order_by(Event.seq))]
    return form


def _filters(form: ExportFilterForm) -> exports.ExportFilter:
    return exports.ExportFilter(edition_id=form.edition_id, day=form.day.data,
                                venue_id=form.venue.data, event_id=form.event.data,
                                status=form.status.data or None, stage=form.stage.data or None)


@bp.get("/exports")
@roles_required(Role.ORGANIZER)
def exports_page():
    """导出: choose a filter, download bookings or attendance as XLSX or CSV."""
    form = filter_form()
    valid = not request.args or form.validate()
    return render_template("reports/exports.html", form=form, valid=valid,
                           query=request.query_string.decode()), 200 if valid else 400


@bp.get("/exports/<kind>.<fmt>")
@roles_required(Role.ORGANIZER)
def export_file(kind: str, fmt: str):
    """One export as a streamed file; an invalid filter gets the form back with its errors."""
    if kind not in KINDS or fmt not in ("xlsx", "csv"):
        abort(404)
    form = filter_form()
    if not form.validate() or form.edition_id is None:
        return render_template("reports/exports.html", form=form, valid=False,
                               query=request.query_string.decode()), 400
    f = _filters(form)
    title, columns = KINDS[kind]
    full = kind == "bookings" and form.full_mobile.data
    if full:
        log_action("export.full_mobile", None, summary=f"导出含完整手机号的{title}",
                   after={k: str(v) for k, v in f.__dict__.items() if v is not None})
        db.session.commit()
    now = utcnow()
    rows = with_total(columns, exports.booking_rows(f, now, full_mobile=full) if kind == "bookings"
                      else exports.registration_rows(f) if kind == "registrations"
                      else exports.attendance_rows(f, now))
    filename = f"{title}-{local_today():%Y%m%d}.{fmt}"
    if fmt == "csv":
        return csv_response(filename, columns, rows)
    return xlsx_response(filename, lambda path: write_xlsx(path, columns, rows, sheet=title))


def _roster_args():
    form = filter_form()
    if request.args and not form.validate():
        message = next((m for ms in form.errors.values() for m in ms), "筛选条件有误。")
        raise InvalidInput("invalid_filter", message)
    return form.day.data or local_today(), form.venue.data, form


@bp.get("/roster")
@roles_required(Role.ORGANIZER)
def roster_page():
    """应急名册: who is on site now, per venue, with leaders' full mobiles; printable."""
    day, venue_id, form = _roster_args()
    venues = roster.roster(day, venue_id)
    return render_template("reports/roster.html", venues=venues, day=day, form=form,
                           total=sum(v.on_site for v in venues),
                           query=request.query_string.decode())


@bp.get("/roster.<fmt>")
@roles_required(Role.ORGANIZER)
def roster_file(fmt: str):
    if fmt not in ("xlsx", "csv"):
        abort(404)
    day, venue_id, _form = _roster_args()
    venues = roster.roster(day, venue_id)
    filename = f"应急名册-{day:%Y%m%d}.{fmt}"
    if fmt == "csv":
        return csv_response(filename, roster.COLUMNS, roster.rows(venues))
    return xlsx_response(filename, lambda path: write_xlsx(
        path, roster.COLUMNS, roster.rows(venues), sheet="应急名册",
        title=f"应急名册（{day:%Y-%m-%d}，在场 {sum(v.on_site for v in venues)} 人）"))
