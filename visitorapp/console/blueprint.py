"""The console blueprint and what every console view shares: role check, edition, form errors."""
import sqlalchemy as sa
from flask import Blueprint, flash

from ..accounts.access import roles_required
from ..accounts.models import Role
from ..database import atomic
from ..errors import DomainError
from ..extensions import db
from ..forms import show_error
from ..programme.models import Edition
from ..programme.params import redirect_legacy, requested_edition

bp = Blueprint("console", __name__, url_prefix="/console")
bp.before_request(redirect_legacy)

#: Every console page: organizers (宣传统战部、教务处) and admins.
organizer_required = roles_required(Role.ORGANIZER)


@bp.context_processor
def editions() -> dict:
    """Every edition, newest first, for the year switcher in the console's tab bar."""
    return {"all_editions": db.session.scalars(
        sa.select(Edition).order_by(Edition.year.desc())).all()}


def edition_or_404() -> Edition:
    """The edition named by ``?edition=YEAR`` or the current one."""
    return requested_edition()


def flash_errors(form) -> None:
    for errors in form.errors.values():
        for message in errors:
            flash(message, "error")


def field_error(form, exc) -> None:
    """Show a service's DomainError beside its field, or as a flash when it names none."""
    if not show_error(form, exc):
        flash(exc.message, "error")


def save_and_report(form, success, operation, *args, **kwargs):
    """A POST whose page is redirected to: validate ``form``, run ``operation`` in one
    transaction and flash the outcome — ``success`` (a text, or a function of the operation's
    result), the service's refusal, or the form's errors. Returns the result, None when nothing
    was done (the operations used here return their row)."""
    if not form.validate_on_submit():
        flash_errors(form)
        return None
    try:
        result = atomic(operation, *args, **kwargs)
    except DomainError as exc:
        flash(exc.message, "error")
        return None
    flash(success(result) if callable(success) else success, "success")
    return result


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
