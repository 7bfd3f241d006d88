"""改约: move a booking to another slot through its management link, before the change deadline.

A registration moves the same way (``registration.views.move``): both features serve this page,
each with its own service to move and its own alternatives. A closure notice's one-tap move
(``notices.views``) posts the same form here too (``move_posted``), with its own rule.
"""
from collections.abc import Callable
from datetime import datetime

from flask import flash, redirect, render_template

from ..database import atomic
from ..errors import DomainError
from ..extensions import db
from ..programme.models import Slot
from ..timeutil import format_day, format_time, utcnow
from . import rules
from .forms import MoveForm


def changeable(slot: Slot, now: datetime) -> bool:
    """Before the change deadline: the holder may still move, change or cancel by themselves."""
    try:
        rules.check_changeable(slot, now)
    except DomainError:
        return False
    return True


def move_page(subject, *, kind: str, move: Callable[..., object],
              alternatives: Callable[[object, datetime], list[Slot]],
              places_left: Callable[[object, list[Slot]], dict[int, int]], manage_url: str):
    """The 改约 page of a booking or registration (``kind``): a valid POST moves it with
    ``move(subject, new_slot, now=now)`` in one transaction and returns to its management page;
    otherwise the page shows the current slot and ``alternatives(subject, now)``, each with the
    places ``places_left(subject, slots)`` says the move can really take there, with any refusal
    flashed. The clock is read once, here."""
    now = utcnow()
    form = MoveForm()
    if subject.holds_places and form.validate_on_submit() and _moved(form, subject, move, now):
        return redirect(manage_url)
    options = alternatives(subject, now) if subject.holds_places else []
    return render_template("booking/move.html", subject=subject, kind=kind, form=form,
                           options=options, left=places_left(subject, options),
                           changeable=changeable(subject.slot, now),
                           deadline=rules.change_deadline(subject.slot), back=manage_url)


def move_posted(subject, *, move: Callable[..., object], manage_url: str):
    """A one-tap move posted from another page (a closure notice's offers): the same form, the
    same transaction and messages as the 改约 page, then back to the management page."""
    form = MoveForm()
    if not form.validate_on_submit():
        flash("；".join(m for ms in form.errors.values() for m in ms), "error")
    else:
        _moved(form, subject, move, utcnow())
    return redirect(manage_url)


def _moved(form: MoveForm, subject, move, now: datetime) -> bool:
    new_slot = db.session.get(Slot, form.slot_id.data)
    try:
        if new_slot is None:
            raise rules.RuleError("slot_not_found", "场次不存在。")
        atomic(move, subject, new_slot, now=now)
    except DomainError as exc:
        flash(exc.message, "error")
        return False
    # Say where to: after a one-tap move from a notice, this line is what the holder reads.
    flash(f"改约成功：已改到 {format_day(new_slot.local_day)} {format_time(new_slot.starts_at)}–"
          f"{format_time(new_slot.ends_at)} {new_slot.title}，入场码不变。", "success")
    return True
