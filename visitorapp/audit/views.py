"""操作日志: admins browse every staff change (who, when, what, before/after)."""
import sqlalchemy as sa
from flask import Blueprint, render_template, request

from ..accounts.access import roles_required
from ..extensions import db
from ..timeutil import local_day_bounds
from ..web import day_arg, page_arg
from .models import AuditEntry

bp = Blueprint("audit", __name__, url_prefix="/audit")


@bp.get("/")
@roles_required()  # admins only
def entries():
    """Newest first; filter by action (prefix, e.g. "slot."), user and date range."""
    action = request.args.get("action", "").strip()[:50]
    user = request.args.get("user", "").strip()[:80]
    since, until = day_arg("since"), day_arg("until")
    stmt = sa.select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if action:
        stmt = stmt.where(AuditEntry.action.startswith(action, autoescape=True))
    if user:
        stmt = stmt.where(AuditEntry.actor.contains(user, autoescape=True))
    if since:
        stmt = stmt.where(AuditEntry.at >= local_day_bounds(since)[0])
    if until:
        stmt = stmt.where(AuditEntry.at < local_day_bounds(until)[1])
    page = db.paginate(stmt, page=page_arg(), per_page=50, error_out=False)
    actions = db.session.scalars(sa.select(AuditEntry.action).distinct()
                                 .order_by(AuditEntry.action)).all()
    return render_template("audit/entries.html", page=page, actions=actions, action=action,
                           user=user, since=since, until=until)


def init_app(app):
    app.register_blueprint(bp)
