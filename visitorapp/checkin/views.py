"""The gate page (入口核验, a PWA), its service worker, the conflicts list and gate devices."""
import uuid

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    send_from_directory,
    url_for,
)
from flask_login import current_user

from ..accounts.access import roles_required
from ..accounts.models import Role
from ..database import atomic
from ..errors import DomainError
from ..extensions import db
from ..forms import ActionForm
from ..programme.models import Venue
from ..timeutil import local_today, utcnow
from . import counts, services
from .actors import Actor
from .devices import create_device, revoke_device
from .forms import DeviceForm, EveryoneOutForm
from .models import CheckIn, GateDevice

bp = Blueprint("checkin", __name__)


@bp.get("/gate")
@roles_required(Role.GATE, Role.ORGANIZER)
def gate():
    """入口核验: scan tickets (camera, scanner gun, photo, search); works offline as a PWA."""
    actor = Actor(user=current_user._get_current_object())
    venues = actor.venues()
    return render_template("checkin/gate.html", venues=venues,
                           counts=counts.summary(local_today(), actor.venue_ids()),
                           out_form=EveryoneOutForm(), batch_id=f"out-{uuid.uuid4().hex}")


@bp.get("/gate/sw.js")
def service_worker():
    """Served under /gate/ so its scope covers the gate page (and nothing else)."""
    response = send_from_directory(current_app.static_folder, "js/gate-sw.js",
                                   mimetype="text/javascript", max_age=0)
    response.headers["Service-Worker-Allowed"] = "/gate"
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/gate/manifest.webmanifest")
def manifest():
    response = send_from_directory(current_app.static_folder, "gate.webmanifest",
                                   mimetype="application/manifest+json", max_age=0)
    return response


@bp.post("/gate/everyone-out")
@roles_required(Role.GATE, Role.ORGANIZER)
def everyone_out():
    """统一退场: first a page listing who is still inside the venue, then — confirmed — an exit
    for every one of them (the rest of partly-exited groups and individuals too)."""
    form = EveryoneOutForm()
    actor = Actor(user=current_user._get_current_object())
    venue = db.session.get(Venue, form.venue_id.data or 0) if form.validate_on_submit() else None
    if venue is None or not actor.may_use(venue.id):
        abort(403 if venue is not None else 400)
    day = local_today()
    if not form.confirm.data:
        return render_template("checkin/everyone_out.html", venue=venue, form=form,
                               inside=counts.inside(day, venue.id))
    tickets, persons = atomic(services.everyone_out, venue, day, actor, form.batch_id.data,
                              now=utcnow())
    flash(f"{venue.name}：已为 {tickets} 个团队/个人共 {persons} 人登记离场。", "success")
    return redirect(url_for("checkin.gate"))


@bp.get("/checkins/conflicts")
@roles_required(Role.ORGANIZER)
def conflicts():
    """Offline scans the server disagreed with (e.g. one ticket admitted at two gates)."""
    rows = db.session.scalars(sa.select(CheckIn).where(CheckIn.conflict.is_(True))
                              .order_by(CheckIn.scanned_at.desc()).limit(500)).all()
    return render_template("checkin/conflicts.html", rows=rows)


@bp.route("/checkins/devices", methods=["GET", "POST"])
@roles_required(Role.ORGANIZER)
def devices():
    """Gate devices with API tokens: create (the token is shown once) and revoke."""
    form = DeviceForm()
    form.venue_id.choices = [(v.id, v.name) for v in db.session.scalars(
        sa.select(Venue).where(Venue.is_active.is_(True)).order_by(Venue.id))]
    token = None
    if form.validate_on_submit():
        try:
            device, token = atomic(create_device, form.name.data, db.session.get(
                Venue, form.venue_id.data), created_by=current_user)
        except DomainError as exc:
            form.name.errors.append(exc.message)
        else:
            flash(f"已创建设备“{device.name}”。令牌只显示这一次，请立即复制到设备上。", "success")
    rows = db.session.scalars(sa.select(GateDevice).order_by(GateDevice.id)).all()
    return render_template("checkin/devices.html", form=form, rows=rows, token=token,
                           revoke_form=ActionForm())


@bp.post("/checkins/devices/<int:device_id>/revoke")
@roles_required(Role.ORGANIZER)
def revoke(device_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    device = db.get_or_404(GateDevice, device_id)
    atomic(revoke_device, device)
    flash(f"设备“{device.name}”已停用，其令牌立即失效。", "success")
    return redirect(url_for("checkin.devices"))


def init_app(app):
    from . import api
    from .cli import devices as devices_cli
    # The gate's tolerances (docs/gate.md), overridable like any setting (VISITORAPP_CHECKIN_…).
    app.config.setdefault("CHECKIN_EARLY_CONFIRM_MINUTES", 60)
    app.config.setdefault("CHECKIN_LATE_WARNING_MINUTES", 30)
    app.config.setdefault("CHECKIN_REPEAT_WINDOW_SECONDS", 300)
    app.register_blueprint(bp)
    app.register_blueprint(api.bp)
    app.cli.add_command(devices_cli)
