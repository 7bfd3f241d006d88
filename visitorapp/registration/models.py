"""Registration (个人报名) and the extra questions an organizer asks per event."""
import enum
import secrets
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..booking.models import new_manage_token, new_ticket_nonce
from ..database import UTCDateTime
from ..extensions import db
from ..programme.models import Event, Slot
from ..timeutil import local, utcnow


class RegistrationStatus(enum.StrEnum):
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return {"confirmed": "已报名", "cancelled": "已取消"}[self.value]


class QuestionKind(enum.StrEnum):
    TEXT = "text"  #: a line of text
    FILE = "file"  #: an upload (e.g. the CV for 简历门诊), kept under instance/uploads/

    @property
    def label(self) -> str:
        return {"text": "文字", "file": "文件上传"}[self.value]


def _enum(e):
    return sa.Enum(e, native_enum=False, length=20, values_callable=lambda x: [m.value for m in x])


class RegistrationQuestion(db.Model):
    """An extra question an organizer asks everyone who registers for one event."""

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    label: Mapped[str] = mapped_column(sa.String(60))
    kind: Mapped[QuestionKind] = mapped_column(_enum(QuestionKind), default=QuestionKind.TEXT)
    required: Mapped[bool] = mapped_column(default=False)
    help_text: Mapped[str] = mapped_column(sa.String(200), default="")
    #: For files: allowed extensions, comma separated (pdf,doc,docx).
    file_types: Mapped[str] = mapped_column(sa.String(60), default="pdf,doc,docx")
    #: For files: the largest upload in KB.
    max_kb: Mapped[int] = mapped_column(default=2048)

    event: Mapped[Event] = relationship()

    @property
    def field_name(self) -> str:
        return f"q{self.id}"

    @property
    def allowed_types(self) -> list[str]:
        return [t.strip().lower() for t in self.file_types.split(",") if t.strip()]


REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_reference(slot: Slot) -> str:
    """BM-0513-4K7Q: 报名, the slot's day, 4 random characters (read aloud, typed at the gate)."""
    tail = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(4))
    return f"BM-{local(slot.starts_at):%m%d}-{tail}"


def scope_for(slot: Slot) -> int:
    """``Registration.slot_scope`` for a registration in ``slot``."""
    return slot.id if slot.event.one_per_slot else 0


class Registration(db.Model):
    """个人报名: one person in one slot of an individual event, with one ticket."""

    id: Mapped[int] = mapped_column(primary_key=True)
    slot_id: Mapped[int] = mapped_column(sa.ForeignKey("slot.id"), index=True)
    #: Denormalised from the slot so "one per person per event" is a unique index.
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id"), index=True)
    #: The unit "once per person" counts in: 0 (the whole event, 每人限报一个场次) or the slot's
    #: id when the event takes one registration per slot (Event.one_per_slot); see ``scope_for``.
    slot_scope: Mapped[int] = mapped_column(default=0, server_default=sa.text("0"))
    reference: Mapped[str] = mapped_column(sa.String(20), unique=True)
    #: Secret for the registrant's own link (view, cancel, move). Never in a QR code.
    manage_token: Mapped[str] = mapped_column(sa.String(64), unique=True, default=new_manage_token)
    #: Random part of the ticket token (visitorapp.tickets.tokens), same format as bookings.
    ticket_nonce: Mapped[str] = mapped_column(sa.String(32), unique=True, default=new_ticket_nonce)

    name: Mapped[str] = mapped_column(sa.String(30))
    mobile: Mapped[str] = mapped_column(sa.String(20), index=True)
    email: Mapped[str] = mapped_column(sa.String(120), default="")
    #: Our own students give a student number (学号) and their 二级学院/class …
    student_number: Mapped[str] = mapped_column(sa.String(20), default="")
    college: Mapped[str] = mapped_column(sa.String(50), default="")
    class_name: Mapped[str] = mapped_column(sa.String(50), default="")
    #: … visitors name their school or organisation instead (they count towards the campus cap).
    organisation: Mapped[str] = mapped_column(sa.String(50), default="")
    #: Answers to the event's extra questions: {"q<id>": text} or {"q<id>": {file metadata}}.
    answers: Mapped[dict] = mapped_column(sa.JSON, default=dict)

    status: Mapped[RegistrationStatus] = mapped_column(
        _enum(RegistrationStatus), default=RegistrationStatus.CONFIRMED)
    source: Mapped[str] = mapped_column(sa.String(10), default="web")
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Personal data replaced by placeholders and files deleted (flask purge-personal-data).
    anonymized: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    slot: Mapped[Slot] = relationship()
    event: Mapped[Event] = relationship()

    __table_args__ = (
        # One confirmed registration per event (or per slot, see slot_scope) per mobile. The
        # student number is deliberately not a key: anyone can type someone else's, and it must
        # not lock the holder out (docs/privacy.md); organizers see repeated numbers flagged.
        sa.Index("uq_registration_scope_mobile", "event_id", "slot_scope", "mobile", unique=True,
                 sqlite_where=sa.text("status = 'confirmed'"),
                 postgresql_where=sa.text("status = 'confirmed'")),
    )

    @property
    def is_internal(self) -> bool:
        """Our own students: they do not count against the campus visitor cap."""
        return bool(self.student_number)

    @property
    def is_active(self) -> bool:
        """Ticket valid (confirmed, not cancelled)."""
        return self.status == RegistrationStatus.CONFIRMED

    @property
    def holds_places(self) -> bool:
        """Same as ``is_active`` (a registration is never pending): pages shared with bookings."""
        return self.is_active

    def cancel(self, now: datetime) -> None:
        """The one place a registration becomes cancelled (the service releases the place)."""
        self.status = RegistrationStatus.CANCELLED
        self.cancelled_at = now
