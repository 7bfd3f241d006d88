"""车辆信息 pages: the group's own change (management link), 保卫处's day list per entrance
(page, print, XLSX), and the organizers' settings (entrances, daily limit)."""
from flask import Blueprint, flash, redirect, render_template, request, url_for

from .. import ratelimits
from ..accounts.access import roles_required
from ..accounts.models import Role
from ..booking import services as booking_services
from ..console.blueprint import edition_or_404, field_error, organizer_required
from ..database import atomic
from ..errors import DomainError
from ..programme import services as programme
from ..reports.spreadsheet import Column, write_xlsx, xlsx_response
from ..timeutil import format_day, format_time, local_today
from ..web import day_arg
from . import services
from .booking_form import transport_form
from .forms import VehicleSettingsForm

bp = Blueprint("vehicles", __name__)

#: 保卫处 and the organizers see the lists (leader mobiles included: they call the bus).
list_viewers = roles_required(Role.SECURITY, Role.ORGANIZER)


@bp.post("/b/<token>/vehicles")
@ratelimits.public_form()
def update(token: str):
    """The teacher changes how the group arrives, its vehicles and plates (management link)."""
    booking = booking_services.by_manage_token(token)
    form = transport_form(booking.slot.event.edition)
    if not form.validate_on_submit():
        flash("；".join(m for ms in form.errors.values() for m in ms), "error")
        return redirect(url_for("booking.manage", token=token, _anchor="vehicles"))
    try:
        transport = atomic(services.set_transport, booking, form.details())
    except DomainError as exc:
        flash(exc.message, "error")
    else:
        flash(f"车辆信息已保存：{transport.summary}。", "success")
    return redirect(url_for("booking.manage", token=token, _anchor="vehicles"))


@bp.get("/staff/vehicles")
@list_viewers
def day_list():
    """保卫处: the day's groups arriving by vehicle, per entrance, with plates and the leader."""
    edition, day = _edition_day()
    lists = services.day_list(edition, day) if edition else {}
    settings = services.settings_for(edition) if edition else None
    return render_template("vehicles/day_list.html", edition=edition, day=day, lists=lists,
                           settings=settings, days=edition.days() if edition else [])


@bp.get("/staff/vehicles.xlsx")
@list_viewers
def day_list_xlsx():
    """The same list as a spreadsheet (one row per vehicle), safe against formula injection."""
    edition, day = _edition_day()
    lists = services.day_list(edition, day) if edition else {}
    columns = [Column("入口", width=8), Column("到达时间", width=10), Column("车牌号", width=12),
               Column("车辆类型", width=8), Column("学校", width=24), Column("预约号", width=14),
               Column("活动/场馆", width=28), Column("领队", width=10), Column("领队手机", width=14)]
    rows = list(_rows(lists))
    return xlsx_response(f"车辆清单-{day:%Y%m%d}.xlsx", lambda path: write_xlsx(
        path, columns, rows, sheet="车辆清单",
        title=f"车辆清单 {format_day(day)}（共{sum(t.vehicles for ts in lists.values() for t in ts)}辆）"))


@bp.route("/console/vehicles", methods=["GET", "POST"])
@organizer_required
def settings():
    """Vehicle entrances and the daily limit per entrance, for this edition."""
    edition = edition_or_404()
    current = services.settings_for(edition)
    form = VehicleSettingsForm()
    if request.method == "GET":
        form.entrances.data, form.daily_limit.data = current.entrances, current.daily_limit
    if form.validate_on_submit():
        try:
            atomic(services.save_settings, edition, form.entrance_list(), form.daily_limit.data)
        except DomainError as exc:
            field_error(form, exc)
        else:
            flash("车辆设置已保存。", "success")
            return redirect(url_for(".settings", edition=edition.year))
    return render_template("vehicles/settings.html", edition=edition, form=form)


def _edition_day():
    today = local_today()
    edition = programme.current_edition(today)
    day = day_arg("day")
    if day is None and edition is not None:
        day = today if edition.starts_on <= today <= edition.ends_on else edition.starts_on
    return edition, day or local_today()


def _rows(lists):
    for entrance, transports in lists.items():
        for t in transports:
            slot = t.booking.slot
            where = f"{slot.title}{' / ' + slot.venue.name if slot.venue else ''}"
            plates = t.plate_list + ["（待补充）"] * max(0, t.vehicles - len(t.plate_list))
            for plate in plates:
                yield (entrance, format_time(slot.starts_at), plate, t.mode.label,
                       t.booking.school_name, t.booking.reference, where, t.booking.leader_name,
                       t.booking.leader_mobile)


def init_app(app) -> None:
    app.register_blueprint(bp)
    app.add_template_global(services.transport_of, "vehicle_transport_of")
    app.add_template_global(transport_form, "vehicle_transport_form")

