"""改约: move a booking to another slot through its management link, before the change deadline.

A registration moves the same way (``registration.views.move``): both pages are this one, each
feature calling its own service to move.
"""
from collections.abc import Callable

from flask import flash, render_template

from ..database import atomic
from ..errors import DomainError
from ..extensions import db
from ..programme.models import Slot
from . import rules
from .forms import MoveForm


def changeable(slot: Slot) -> bool:
    """Before the change deadline: the holder may still move, change or cancel by themselves."""
    try:
        rules.check_changeable(slot)
    except DomainError:
        return False
    return True


def moved(form: MoveForm, subject, move: Callable[[object, Slot], object]) -> bool:
    """Apply a submitted move form with ``move(subject, new_slot)`` in one transaction. False
    when nothing was submitted, or the move was refused (its reason is flashed)."""
    if not (subject.holds_places and form.validate_on_submit()):
        return False
    new_slot = db.session.get(Slot, form.slot_id.data)
    try:
        if new_slot is None:
            raise rules.RuleError("slot_not_found", "场次不存在。")
        atomic(move, subject, new_slot)
    except DomainError as exc:
        flash(exc.message, "error")
        return False
    flash("改约成功，入场码不变。", "success")
    return True


def move_page(subject, *, kind: str, form: MoveForm, options: list[Slot], back: str) -> str:
    """The page: the current slot, and the other slots with room (``kind``: booking/registration)."""
    return render_template("booking/move.html", subject=subject, kind=kind, form=form,
                           options=options if subject.holds_places else [],
                           changeable=changeable(subject.slot),
                           deadline=rules.change_deadline(subject.slot), back=back)
