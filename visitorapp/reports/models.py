"""What departments enter for the statistics report (活动情况报表, 附件1) and their submissions.
(Column titles belong to the edition: ``Edition.report_titles``.)"""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import UTCDateTime
from ..extensions import db
from ..programme.models import Department, Event
from ..timeutil import utcnow

#: 媒体报道 levels, in the report's order.
MEDIA_LEVELS = {"national": "国家级", "provincial": "省级", "city": "市级", "school": "校级"}


class ActivityReportEntry(db.Model):
    """The figures no scanner sees, entered by one 填报单位 for one activity it leads or runs.
    A count left empty is None (shown blank in 附件1), not 0: nobody said "none"."""

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("department.id"))
    #: 校内参与: the college's own teachers and students (not visitors, so not scanned).
    internal_teachers: Mapped[int | None]
    internal_students: Mapped[int | None]
    #: 媒体报道 (articles) by level.
    media_national: Mapped[int | None]
    media_provincial: Mapped[int | None]
    media_city: Mapped[int | None]
    media_school: Mapped[int | None]
    #: 网络浏览量: views of online reports, videos and live streams.
    online_views: Mapped[int | None]
    #: 图片/链接: one per line.
    links: Mapped[str] = mapped_column(sa.Text, default="")
    highlights: Mapped[str] = mapped_column(sa.Text, default="")     #: 活动亮点
    typical_case: Mapped[str] = mapped_column(sa.Text, default="")   #: 典型案例
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))

    event: Mapped[Event] = relationship()
    department: Mapped[Department] = relationship()

    __table_args__ = (sa.UniqueConstraint("event_id", "department_id",
                                          name="uq_report_entry_event_department"),)

    def media(self, level: str) -> int:
        return getattr(self, f"media_{level}")


class DepartmentReport(db.Model):
    """A 填报单位's submission of its report for one edition (before Edition.report_deadline)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(sa.ForeignKey("edition.id", ondelete="CASCADE"))
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("department.id"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    submitted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))

    __table_args__ = (sa.UniqueConstraint("edition_id", "department_id",
                                          name="uq_department_report_edition_department"),)
