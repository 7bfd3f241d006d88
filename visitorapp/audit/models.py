"""AuditEntry and the one function every staff change goes through."""
from datetime import datetime

import sqlalchemy as sa
from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy.orm import Mapped, mapped_column

from ..database import UTCDateTime
from ..extensions import db
from ..timeutil import utcnow


class AuditEntry(db.Model):
    # Server defaults (``client``) are not read back after each INSERT: nothing needs them then.
    __mapper_args__ = {"eager_defaults": False}

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    #: Who acted, as shown: a username, "领队（管理链接）", "系统" …
    actor: Mapped[str] = mapped_column(sa.String(80))
    #: Dotted verb, e.g. "booking.cancel", "slot.close", "settings.update".
    action: Mapped[str] = mapped_column(sa.String(50), index=True)
    object_type: Mapped[str] = mapped_column(sa.String(30))
    object_id: Mapped[int | None]
    summary: Mapped[str] = mapped_column(sa.String(200), default="")
    before: Mapped[dict | None] = mapped_column(sa.JSON)
    after: Mapped[dict | None] = mapped_column(sa.JSON)
    #: The signed-in staff member's address (the real client behind TRUSTED_PROXIES); empty
    #: for the system and for visitors, whose addresses are not kept.
    client: Mapped[str] = mapped_column(sa.String(45), server_default="")


def log_action(action: str, obj=None, *, before: dict | None = None, after: dict | None = None,
               summary: str = "", actor: str | None = None) -> AuditEntry:
    """Record a change in the current transaction (so it commits or rolls back with it)."""
    user_id, client = None, ""
    # A staff member acting for a teacher passes actor= too: still record who was signed in.
    if has_request_context() and getattr(current_user, "is_authenticated", False):
        user_id = current_user.id
        actor = actor or current_user.username
        client = (request.remote_addr or "")[:45]
    actor = actor or "系统"
    entry = AuditEntry(
        user_id=user_id, actor=actor, action=action,
        object_type=type(obj).__name__.lower() if obj is not None else "",
        object_id=getattr(obj, "id", None), summary=summary[:200],
        before=_jsonable(before), after=_jsonable(after))
    if client:  # otherwise left to the column's default (and out of the INSERT)
        entry.client = client
    db.session.add(entry)
    return entry


def _jsonable(values: dict | None) -> dict | None:
    if values is None:
        return None
    return {k: (v if isinstance(v, (int, float, str, bool, type(None))) else str(v))
            for k, v in values.items()}


#: Keys of ``before``/``after`` that hold personal data (what a person typed about themselves).
PERSONAL_KEYS = frozenset({"leader_name", "leader_mobile", "email", "notes", "name", "mobile",
                           "student_number", "class_name", "answers", "cancel_reason", "reason",
                           "plates"})


def scrub(object_type: str, ids: list[int], texts: set[str], replacement: str) -> int:
    """Mask personal data in the audit entries about these objects (the purge): the values of
    PERSONAL_KEYS, and any of ``texts`` (their names, mobiles, reasons) wherever it appears.
    The entries stay — who did what, when — without whom it concerned."""
    texts = sorted((t for t in texts if t and len(t) >= 2), key=len, reverse=True)
    changed = 0
    for start in range(0, len(ids), 500):
        for entry in db.session.scalars(sa.select(AuditEntry).where(
                AuditEntry.object_type == object_type,
                AuditEntry.object_id.in_(ids[start:start + 500]))):
            before, after, summary = (_masked(entry.before, texts, replacement),
                                      _masked(entry.after, texts, replacement),
                                      _mask_text(entry.summary, texts, replacement))
            if (before, after, summary) != (entry.before, entry.after, entry.summary):
                entry.before, entry.after, entry.summary = before, after, summary
                changed += 1
    return changed


def _masked(values: dict | None, texts: list[str], replacement: str) -> dict | None:
    if values is None:
        return None
    return {k: (replacement if k in PERSONAL_KEYS and v not in (None, "")
                else _mask_text(v, texts, replacement) if isinstance(v, str) else v)
            for k, v in values.items()}


def _mask_text(value: str, texts: list[str], replacement: str) -> str:
    for text in texts:
        value = value.replace(text, replacement)
    return value
