"""Organizer pages of the booking feature: no-shows (爽约) and the edition's no-show rule."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from wtforms import BooleanField

from ..accounts.access import roles_required
from ..accounts.models import Role
from ..database import atomic
from ..forms import ActionForm
from ..programme import services as programme
from ..timeutil import local_today, utcnow
from . import noshows

bp = Blueprint("booking_staff", __name__, url_prefix="/staff")


class NoShowRuleForm(ActionForm):
    hold = BooleanField("爽约者本周内暂停预约（按手机号）")


@bp.get("/no-shows")
@roles_required(Role.ORGANIZER)
def no_shows():
    """爽约: this week's groups that booked and never arrived, and the rule that holds them."""
    edition = programme.current_edition(local_today())
    found = noshows.no_show_bookings(edition, utcnow()) if edition else []
    return render_template("booking/no_shows.html", edition=edition, no_shows=found,
                           rule=NoShowRuleForm(hold=edition.hold_no_shows if edition else False))


@bp.post("/no-show-rule")
@roles_required(Role.ORGANIZER)
def no_show_rule():
    """爽约规则: hold (or stop holding) further bookings from a no-show mobile for the week."""
    edition = programme.current_edition(local_today())
    form = NoShowRuleForm()
    if edition is None or not form.validate_on_submit():
        abort(400)
    atomic(noshows.set_hold, edition, form.hold.data)
    flash("爽约规则已开启：爽约手机号本周内暂停预约。" if form.hold.data else "爽约规则已关闭。", "success")
    return redirect(url_for("booking_staff.no_shows"))
