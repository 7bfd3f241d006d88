"""Base form for every feature: WTForms' built-in messages in Chinese, plus a button-only form."""
from flask import request
from flask_wtf import FlaskForm
from wtforms import Field
from wtforms.validators import NumberRange

from .validators import MAX_ID


class ChineseForm(FlaskForm):
    """Every form inherits this, so even WTForms' own messages ("不是有效的整数。") are Chinese."""

    class Meta:
        locales = ("zh_CN", "zh")


class ActionForm(ChineseForm):
    """An empty form that only carries the CSRF token, for button-only POSTs."""


def existing_id(message: str) -> NumberRange:
    """For a field holding a row's id (the slot to move to …): a number no row can have fails
    validation with ``message``, like an unknown one, instead of reaching SQL."""
    return NumberRange(min=1, max=MAX_ID, message=message)


def choice_id(value) -> int:
    """``coerce`` for a select of rows (0 = none): a number no row can have is an invalid
    choice, never a query."""
    number = int(value)
    if not 0 <= number <= MAX_ID:
        raise ValueError(f"id out of range: {number}")
    return number


#: The hidden field that marks a POST as "carry what I typed to this page", not "submit it".
CARRY_FIELD = "carry"


def keeps_typed_input(view):
    """Mark a form view that understands a carry-over POST (``is_carried_over``): when a submission
    to it is refused before it arrives (page expired, too many requests), the error page offers
    "返回表单（已填信息保留）" instead of losing what was typed. Put it right under ``@bp.route``."""
    view.keeps_typed_input = True
    return view


def carry_back_values() -> list[tuple[str, str]]:
    """What the refused POST carried, for the error page's way back (never a password)."""
    from flask import current_app
    view = current_app.view_functions.get(request.endpoint or "")
    if request.method != "POST" or not getattr(view, "keeps_typed_input", False):
        return []
    from werkzeug.exceptions import HTTPException
    try:
        items = list(request.form.items(multi=True))
    except HTTPException:  # e.g. too large to read: nothing to take back
        return []
    return [(name, value) for name, value in items
            if name not in ("csrf_token", CARRY_FIELD) and "password" not in name]


def is_carried_over() -> bool:
    """The request brings a form typed on another page (a full slot's alternative, its waiting
    list): show it filled in, validate and store nothing until the person submits it here."""
    return request.method == "POST" and request.form.get(CARRY_FIELD) == "1"


def typed_values(form) -> list[tuple[str, str]]:
    """What the person typed into ``form`` as it came in (raw, not cleaned), CSRF token excluded,
    for a carry-over form to post to another page."""
    return [(f.name, value) for f in form if f.name != "csrf_token"
            for value in request.form.getlist(f.name)]


def show_error(form, exc, default: str | None = None) -> bool:
    """Show a service's DomainError beside the field it names (else beside ``default``), as the
    form's own validation errors are. False when neither is a field of this form: the caller
    shows the message above the form."""
    for name in (exc.field, default):
        field = getattr(form, name, None) if name else None
        if isinstance(field, Field):
            field.errors = list(field.errors) + [exc.message]
            return True
    return False
