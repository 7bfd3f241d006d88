"""The console blueprint and what every console view shares: role check, edition, form errors."""
import sqlalchemy as sa
from flask import Blueprint, flash

from ..accounts.access import roles_required
from ..accounts.models import Role
from ..extensions import db
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
    target = getattr(form, exc.field, None) if exc.field else None
    if target is not None and hasattr(target, "errors") and isinstance(target.errors, list):
        target.errors.append(exc.message)
    else:
        flash(exc.message, "error")
