"""The ticket page (入场码 / 确认函) and its QR images. Read-only: nothing here changes a booking."""
import hashlib

from flask import Blueprint, current_app, make_response, redirect, render_template, request, url_for
from markupsafe import Markup

from ..booking.models import Booking
from ..errors import NotFound
from . import qr, tokens
from .services import holder_for_token
from .tokens import TokenError

bp = Blueprint("tickets", __name__)

#: Bump when the drawing changes, so browsers drop QR images they cached under the old ETag.
QR_RENDER_VERSION = "1"
#: A token's image never changes; the cache is private because the token admits a group.
QR_CACHE_CONTROL = "private, max-age=86400"


def _holder(token: str, *, allow_revoked: bool = True):
    try:
        return holder_for_token(token, allow_revoked=allow_revoked)
    except TokenError as exc:
        raise NotFound(exc.code, exc.message) from None


@bp.get("/ticket/<token>")
def ticket(token: str):
    """入场码与确认函: the QR code the gate scans, the visit's details, printable on one A4 page.
    The same page for a group booking and for one person's registration."""
    holder = _holder(token)
    canonical = tokens.token_for(holder)
    if token != canonical:  # typed in lower case or full-width: show the one true URL
        return redirect(url_for(".ticket", token=canonical), code=301)
    qr_svg = Markup(qr.svg(canonical)) if holder.is_active else None  # noqa: S704 - our own SVG
    group = isinstance(holder, Booking)
    response = make_response(render_template(
        "tickets/ticket.html" if group else "tickets/person.html", holder=holder, booking=holder,
        what="预约" if group else "报名", token=canonical, qr_svg=qr_svg))
    # Revalidate every time online (a cancellation shows at once); the service worker keeps a copy
    # for the gate when the network is gone.
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/ticket/<token>.png")
def ticket_png(token: str):
    """The QR code as a PNG (download, print); ``?download=1`` saves it as a file."""
    return _qr_response(token, "png")


@bp.get("/ticket/<token>.svg")
def ticket_svg(token: str):
    """The QR code as SVG (sharp at any print size)."""
    return _qr_response(token, "svg")


@bp.get("/ticket/sw.js")
def service_worker():
    """The service worker that keeps visited tickets readable offline (scope: /ticket/)."""
    response = current_app.send_static_file("js/ticket-sw.js")
    response.headers["Cache-Control"] = "no-cache"  # a new worker version is picked up at once
    return response


def _qr_response(token: str, kind: str):
    holder = _holder(token, allow_revoked=False)  # a cancelled booking has no QR code
    canonical = tokens.token_for(holder)
    etag = hashlib.sha256(f"{QR_RENDER_VERSION}:{kind}:{canonical}".encode()).hexdigest()[:32]
    response = make_response()
    response.set_etag(etag)
    response.headers["Cache-Control"] = QR_CACHE_CONTROL
    if request.if_none_match.contains(etag):
        response.status_code = 304
        return response
    if kind == "png":
        response.set_data(qr.png(canonical))
        response.mimetype = "image/png"
    else:
        response.set_data(qr.svg(canonical))
        response.mimetype = "image/svg+xml"
    if request.args.get("download"):
        response.headers["Content-Disposition"] = (
            f'attachment; filename="ticket-{holder.reference}.{kind}"')
    return response


def init_app(app):
    app.register_blueprint(bp)
    from . import cli, notifications  # noqa: F401 - connects the booking-signal receivers
    cli.init_app(app)
