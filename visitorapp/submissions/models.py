"""Submission (材料报送): a text with images a 填报单位 owes the 宣传统战部, by kind and deadline."""
import enum
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import UTCDateTime
from ..extensions import db
from ..programme.models import Department, Edition
from ..timeutil import local, utcnow


class SubmissionKind(enum.StrEnum):
    MAJOR_INTRO = "major_intro"  #: 教授一分钟说专业: ≤200 characters and a video link, due 11 May
    CASE = "case"                #: 典型案例: ≤2000 characters with images, due 18 May
    PUBLICITY = "publicity"      #: 宣传材料: ≤2000 characters with images, due 18 May

    @property
    def label(self) -> str:
        return {"major_intro": "教授一分钟说专业", "case": "典型案例",
                "publicity": "宣传材料"}[self.value]

    @property
    def max_chars(self) -> int:
        return 200 if self is SubmissionKind.MAJOR_INTRO else 2000

    def due_on(self, edition: Edition) -> date:
        """11 May (the day after the week opens) for the intro; 附件1's deadline for the rest."""
        if self is SubmissionKind.MAJOR_INTRO:
            return edition.starts_on + timedelta(days=1)
        return edition.report_deadline or edition.ends_on + timedelta(days=2)


class SubmissionStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"

    @property
    def label(self) -> str:
        return {"draft": "草稿", "submitted": "已提交"}[self.value]


def _enum(e):
    return sa.Enum(e, native_enum=False, length=20, values_callable=lambda x: [m.value for m in x])


class Submission(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(sa.ForeignKey("edition.id", ondelete="CASCADE"))
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("department.id"), index=True)
    kind: Mapped[SubmissionKind] = mapped_column(_enum(SubmissionKind))
    title: Mapped[str] = mapped_column(sa.String(100), default="")
    body: Mapped[str] = mapped_column(sa.Text, default="")
    #: For 教授一分钟说专业: where the video is (a link to the platform or the college's drive).
    video_url: Mapped[str] = mapped_column(sa.String(300), default="")
    status: Mapped[SubmissionStatus] = mapped_column(_enum(SubmissionStatus),
                                                     default=SubmissionStatus.DRAFT)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    updated_by: Mapped[str] = mapped_column(sa.String(40), default="")

    edition: Mapped[Edition] = relationship()
    department: Mapped[Department] = relationship()
    images: Mapped[list["SubmissionImage"]] = relationship(
        back_populates="submission", order_by="SubmissionImage.id", cascade="all, delete-orphan")

    @property
    def is_submitted(self) -> bool:
        return self.status == SubmissionStatus.SUBMITTED

    @property
    def is_late(self) -> bool:
        """逾期: handed in after its kind's deadline (Shanghai calendar day)."""
        return self.submitted_at is not None and (
            local(self.submitted_at).date() > self.kind.due_on(self.edition))


class SubmissionImage(db.Model):
    """An image of a submission, stored under instance/uploads/submissions/ (never public)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("submission.id", ondelete="CASCADE"),
                                               index=True)
    #: Our random file name on disk; the original name is only shown.
    stored_name: Mapped[str] = mapped_column(sa.String(60), unique=True)
    original_name: Mapped[str] = mapped_column(sa.String(120))
    content_type: Mapped[str] = mapped_column(sa.String(40))
    size: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    submission: Mapped[Submission] = relationship(back_populates="images")
