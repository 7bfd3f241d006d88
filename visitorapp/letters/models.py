"""LetterTemplate: the organizers' text of the parents' letter for one edition."""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..database import UTCDateTime
from ..extensions import db
from ..timeutil import utcnow


class LetterTemplate(db.Model):
    """家长告知书 template: each part is text with 【占位符】 the visit fills in (see
    ``letters.services.PLACEHOLDERS``). An edition without a row uses ``services.DEFAULTS``."""

    edition_id: Mapped[int] = mapped_column(sa.ForeignKey("edition.id", ondelete="CASCADE"),
                                            primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(60))
    #: The letter itself: greeting, the visit, what the students will do.
    body: Mapped[str] = mapped_column(sa.Text)
    #: 安全须知, one rule per line.
    safety: Mapped[str] = mapped_column(sa.Text)
    #: 联系方式
    contact: Mapped[str] = mapped_column(sa.Text)
    #: 回执: what the parent signs and returns.
    return_slip: Mapped[str] = mapped_column(sa.Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
