"""找回预约/报名: one public page; the answer never depends on what was found."""
import time

from flask import Blueprint, current_app, redirect, render_template, request, url_for

from .. import ratelimits
from ..database import atomic
from ..programme import services as programme
from ..timeutil import local_today, utcnow
from . import services
from .forms import RecoveryForm

bp = Blueprint("recovery", __name__)


@bp.route("/recover", methods=["GET", "POST"])
@ratelimits.public_form(methods=["POST"], limit=ratelimits.recovery_limit)
def request_links():
    """找回预约/报名: the mobile plus the reference (or the e-mail) → the links by e-mail.

    A valid request always gets the same redirect, no sooner than RECOVERY_MIN_SECONDS after it
    arrived: neither the answer nor its timing says whether a booking exists.
    """
    started = time.monotonic()
    form = RecoveryForm()
    if form.validate_on_submit():
        atomic(services.send_links, form.mobile.data, form.reference.data or "",
               form.email.data or "", utcnow())
        _wait_until(started + current_app.config["RECOVERY_MIN_SECONDS"])
        return redirect(url_for(".sent"))
    return render_template("recovery/request.html", form=form, edition=_week()), \
        422 if request.method == "POST" else 200


@bp.get("/recover/sent")
def sent():
    """What happens next, the same for everyone."""
    return render_template("recovery/sent.html", edition=_week())


def _week():
    """Whose 联系方式 the page shows: whoever gave no e-mail has to call someone."""
    return programme.current_edition(local_today())


def _wait_until(deadline: float) -> None:
    """Sleep out the rest of the constant answer time (the lookup and the mail took less)."""
    remaining = deadline - time.monotonic()
    if remaining > 0:
        time.sleep(remaining)


def init_app(app):
    app.register_blueprint(bp)
