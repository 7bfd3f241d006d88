"""Base form for every feature: WTForms' built-in messages in Chinese, plus a button-only form."""
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
