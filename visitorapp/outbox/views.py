"""邮件发送: organizers see every queued, sent and failed message, read it, and resend it."""
import sqlalchemy as sa
from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for

from ..accounts.access import roles_required
from ..accounts.models import Role
from ..database import atomic
from ..errors import DomainError
from ..extensions import db
from ..forms import ActionForm
from ..timeutil import utcnow
from . import cli, worker
from .models import MessageStatus, OutboxMessage
from .services import ATTACHMENT_RENDERERS, resend, send_due

bp = Blueprint("outbox", __name__, url_prefix="/staff/mail")

PAGE_SIZE = 100
#: The stored HTML body is shown as a document of its own that can run nothing and load nothing.
HTML_BODY_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox"


@bp.get("/")
@roles_required(Role.ORGANIZER)
def messages():
    """Every message, newest first, with its state, attempts and last error."""
    status = request.args.get("status", "")
    query = sa.select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(PAGE_SIZE)
    if status in {s.value for s in MessageStatus}:
        query = query.where(OutboxMessage.status == MessageStatus(status))
    else:
        status = ""
    counts = dict(db.session.execute(
        sa.select(OutboxMessage.status, sa.func.count()).group_by(OutboxMessage.status)).all())
    return render_template("outbox/messages.html", messages=db.session.scalars(query).all(),
                           counts=counts, status=status, statuses=list(MessageStatus),
                           form=ActionForm())


@bp.get("/<int:message_id>")
@roles_required(Role.ORGANIZER)
def message(message_id: int):
    """One message as the recipient gets it (text part; HTML part and attachments linked)."""
    return render_template("outbox/message.html", message=_get(message_id), form=ActionForm())


@bp.get("/<int:message_id>/html")
@roles_required(Role.ORGANIZER)
def message_html(message_id: int):
    """The HTML part on its own, sandboxed (the cid: QR image shows as its alt text here)."""
    response = make_response(_get(message_id).body_html or "")
    response.headers["Content-Security-Policy"] = HTML_BODY_CSP
    return response


@bp.get("/<int:message_id>/attachments/<int:index>")
@roles_required(Role.ORGANIZER)
def attachment(message_id: int, index: int):
    """An attachment rendered as it would be sent now."""
    message = _get(message_id)
    specs = message.attachments or []
    if not 0 <= index < len(specs) or specs[index].get("type") not in ATTACHMENT_RENDERERS:
        abort(404)
    rendered = ATTACHMENT_RENDERERS[specs[index]["type"]](message, specs[index])
    if rendered is None:
        abort(404)
    filename, mimetype, data, _headers = rendered
    response = make_response(data)
    response.mimetype = mimetype
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.post("/<int:message_id>/resend")
@roles_required(Role.ORGANIZER)
def resend_message(message_id: int):
    """Queue a failed (or lost) message again; the outbox sends it on its next round."""
    message = _get(message_id)
    if ActionForm().validate_on_submit():
        try:
            atomic(resend, message, utcnow())
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            flash(f"邮件 #{message.id} 已重新加入发送队列。", "success")
    if request.form.get("back") == "list":
        return redirect(url_for(".messages", status=request.form.get("status") or None))
    return redirect(url_for(".message", message_id=message.id))


@bp.post("/send-now")
@roles_required(Role.ORGANIZER)
def send_now():
    """Send what is due now, without waiting for the worker or cron."""
    if ActionForm().validate_on_submit():
        counts = send_due(utcnow())
        flash(f"已发送 {counts['sent']} 封，稍后重试 {counts['retry']} 封，放弃 {counts['failed']} 封。",
              "success" if not (counts["retry"] or counts["failed"]) else "warning")
    return redirect(url_for(".messages"))


def _get(message_id: int) -> OutboxMessage:
    return db.get_or_404(OutboxMessage, message_id)


def init_app(app):
    app.register_blueprint(bp)
    cli.init_app(app)
    worker.init_app(app)
