"""The console blueprint and what every console view shares: role check, edition, form errors."""
import sqlalchemy as sa
from flask import Blueprint, abort, flash, request

from ..accounts.access import roles_required
from ..accounts.models import Role
from ..database import atomic
from ..errors import DomainError
from ..extensions import db
from ..forms import show_error
from ..programme import services as programme
from ..programme.models import Edition
from ..timeutil import local_today

bp = Blueprint("console", __name__, url_prefix="/console")

#: Every console page: organizers (宣传统战部、教务处) and admins.
organizer_required = roles_required(Role.ORGANIZER)


@bp.context_processor
def editions() -> dict:
    """Every edition, newest first, for the year switcher in the console's tab bar."""
    return {"all_editions": db.session.scalars(
        sa.select(Edition).order_by(Edition.year.desc())).all()}


def edition_or_404() -> Edition:
    """The edition named by ``?year=`` or the current one."""
    year = request.args.get("year", type=int)
    edition = programme.edition_by_year(year) if year else programme.current_edition(local_today())
    if edition is None:
        abort(404)
    return edition


def flash_errors(form) -> None:
    for errors in form.errors.values():
        for message in errors:
            flash(message, "error")


def field_error(form, exc) -> None:
    """Show a service's DomainError beside its field, or as a flash when it names none."""
    if not show_error(form, exc):
        flash(exc.message, "error")


def perform(form, success: str, operation, *args, reload=None, **kwargs) -> bool:
    """Run a console operation in one transaction. True when done (``success`` flashed); False
    when refused: the reason beside the field of ``form`` it names, else flashed, and ``reload``
    (the row the page shows) re-read, since the rolled-back transaction left it stale."""
    try:
        atomic(operation, *args, **kwargs)
    except DomainError as exc:
        if reload is not None:
            db.session.refresh(reload)
        field_error(form, exc)
        return False
    flash(success, "success")
    return True
