"""Programme models: what happens when and where, and how many people fit."""
import enum
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.hybrid import hybrid_method
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import UTCDateTime
from ..extensions import db
from ..timeutil import local, local_day_bounds, utcnow


class BookingWindow(enum.StrEnum):
    """Where ``now`` lies in an edition's booking window (预约时间), for rules and pages alike."""

    NOT_OPEN = "not_open"  #: before ``booking_opens_at``
    OPEN = "open"
    CLOSED = "closed"      #: after ``booking_closes_at``


class ParticipationMode(enum.StrEnum):
    """How people take part in an event."""

    GROUP = "group"            #: schools book a slot for a group (团体预约)
    INDIVIDUAL = "individual"  #: one person signs up (个人报名)
    NONE = "none"              #: no sign-up (internal or media activity)

    @property
    def label(self) -> str:
        return {"group": "团体预约", "individual": "个人报名", "none": "无需报名"}[self.value]


class EventCategory(enum.StrEnum):
    """活动类别 in the statistics report (附件1)."""

    FOUR_OPEN = "four_open"  #: 四开放: open enterprises, campus, institutes, competitions
    TWO_INTO = "two_into"    #: 两走进: into communities, into villages
    OTHER = "other"

    @property
    def label(self) -> str:
        return {"four_open": "四开放", "two_into": "两走进", "other": "其他"}[self.value]


class Edition(db.Model):
    """年度活动周: one year's activity week; owns its dates, events, slots and settings."""

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The calendar year of the week, e.g. 2026.
    year: Mapped[int] = mapped_column(unique=True)
    title: Mapped[str] = mapped_column(sa.String(100))
    theme: Mapped[str] = mapped_column(sa.String(100), default="")
    starts_on: Mapped[date]
    ends_on: Mapped[date]

    # --- settings (the campus-opening safety plan: 校园开放应急预案、人员管控) ---
    #: Visitors (students + teachers of booked groups) the campus admits per day.
    daily_cap: Mapped[int] = mapped_column(default=1500)
    #: At least one teacher per this many students …
    students_per_teacher: Mapped[int] = mapped_column(default=20)
    #: … and per this many for primary-school (小学) groups.
    students_per_teacher_primary: Mapped[int] = mapped_column(default=10)
    #: Largest group (students + teachers) one booking may bring.
    max_group_size: Mapped[int] = mapped_column(default=120)
    booking_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    booking_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Teachers may change or cancel freely until this many hours before their slot starts.
    change_deadline_hours: Mapped[int] = mapped_column(default=24)
    #: 爽约规则: a mobile whose group did not come may not book again this week.
    hold_no_shows: Mapped[bool] = mapped_column(default=False)
    #: 公平份额: most persons (students + teachers) one leader mobile may hold per day, over all
    #: its group bookings; None: no limit. One anonymous client must not take the whole day.
    max_persons_per_mobile_day: Mapped[int | None] = mapped_column(default=200)
    #: … and one school (name matched loosely: case, width and spaces folded); None: no limit.
    max_persons_per_school_day: Mapped[int | None] = mapped_column(default=300)
    #: 待审核: a group larger than this (persons) waits for an organizer's decision, its places
    #: held; None: every booking is confirmed at once.
    approval_threshold: Mapped[int | None] = mapped_column(default=None)
    #: Hours an organizer has to decide before pending places are released (at the latest when
    #: the slot starts).
    approval_hours: Mapped[int] = mapped_column(default=48)
    #: 附件1 is due on this date (18 May in the plan).
    report_deadline: Mapped[date | None]

    # --- whom to call (shown on the confirmation, 确认函, ticket, every e-mail, privacy page) ---
    #: 联系人, e.g. "活动周工作组 王老师".
    contact_name: Mapped[str] = mapped_column(sa.String(50), server_default="")
    #: 联系电话 (one or more numbers as staff write them).
    contact_phone: Mapped[str] = mapped_column(sa.String(50), server_default="")
    #: 地址: where visitors come to.
    address: Mapped[str] = mapped_column(sa.String(200), server_default="")
    #: 交通/停车: how to get there, where coaches park.
    directions: Mapped[str] = mapped_column(sa.String(500), server_default="")

    #: Server defaults are read back when first used, not in the INSERT's RETURNING (see
    #: Event.one_per_slot).
    __mapper_args__ = {"eager_defaults": False}

    @property
    def has_contact(self) -> bool:
        return bool(self.contact_name or self.contact_phone or self.address or self.directions)

    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    theme_days: Mapped[list["ThemeDay"]] = relationship(
        back_populates="edition", order_by="ThemeDay.position", cascade="all, delete-orphan")
    events: Mapped[list["Event"]] = relationship(
        back_populates="edition", order_by="Event.seq", cascade="all, delete-orphan")

    def days(self) -> list[date]:
        n = (self.ends_on - self.starts_on).days + 1
        return [self.starts_on + timedelta(days=i) for i in range(n)]

    def booking_window(self, now: datetime) -> BookingWindow:
        """The one booking-window rule (group bookings and individual sign-ups alike): open from
        ``booking_opens_at`` through ``booking_closes_at`` inclusive; no bound, no limit that side.
        ``booking_open`` is the same rule as SQL."""
        if self.booking_opens_at and now < self.booking_opens_at:
            return BookingWindow.NOT_OPEN
        if self.booking_closes_at and now > self.booking_closes_at:
            return BookingWindow.CLOSED
        return BookingWindow.OPEN

    @hybrid_method
    def booking_open(self, now: datetime) -> bool:
        return self.booking_window(now) == BookingWindow.OPEN

    @booking_open.expression
    def booking_open(cls, now: datetime):
        return sa.and_(sa.or_(cls.booking_opens_at.is_(None), cls.booking_opens_at <= now),
                       sa.or_(cls.booking_closes_at.is_(None), cls.booking_closes_at >= now))

    @hybrid_method
    def booking_over(self, now: datetime) -> bool:
        """Nothing of this edition can be booked any more: its window has closed, or (without a
        closing time) its week has ended."""
        if self.booking_closes_at is not None:
            return now > self.booking_closes_at
        return local(now).date() > self.ends_on

    @booking_over.expression
    def booking_over(cls, now: datetime):
        return sa.case((cls.booking_closes_at.is_not(None), cls.booking_closes_at < now),
                       else_=cls.ends_on < local(now).date())

    def ratio_for(self, stage: str) -> int:
        """Students one teacher may accompany for a school stage."""
        return self.students_per_teacher_primary if stage == "primary" else self.students_per_teacher


class ThemeDay(db.Model):
    """主题活动日: one of the seven themed days, in the plan's order (editable)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(sa.ForeignKey("edition.id", ondelete="CASCADE"))
    position: Mapped[int]
    name: Mapped[str] = mapped_column(sa.String(50))
    day: Mapped[date | None]
    description: Mapped[str] = mapped_column(sa.Text, default="")

    edition: Mapped[Edition] = relationship(back_populates="theme_days")


class Department(db.Model):
    """填报单位: a 二级学院 or office that leads or runs activities and reports on them."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(50), unique=True)
    #: "college" (二级学院), "office" (职能部门) or "party" (党总支/团委 …)
    kind: Mapped[str] = mapped_column(sa.String(20), default="office")


class Venue(db.Model):
    """基地 / 场馆 / 实训场地: a place with a safe occupancy (persons at any moment)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(80), unique=True)
    building: Mapped[str] = mapped_column(sa.String(80), default="")
    host_department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("department.id"))
    safe_occupancy: Mapped[int]
    #: Shown on the ticket: where to gather, what to bring, the safety rules for this place.
    visitor_notes: Mapped[str] = mapped_column(sa.Text, default="")
    is_active: Mapped[bool] = mapped_column(default=True)

    host_department: Mapped[Department | None] = relationship()

    @property
    def place(self) -> str:
        """The name people read: "全国化学会科普基地·精艺楼", with the building added only when
        the name does not already say it (never "…·精艺楼 · 精艺楼")."""
        if not self.building or self.building in self.name:
            return self.name
        return f"{self.name} · {self.building}"


event_department = sa.Table(
    "event_department",
    db.metadata,
    sa.Column("event_id", sa.ForeignKey("event.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("department_id", sa.ForeignKey("department.id"), primary_key=True),
    #: "lead" (牵头部门) or "responsible" (责任部门)
    sa.Column("role", sa.String(20), primary_key=True),
)


class Event(db.Model):
    """活动: one row of the plan's task table (附件2)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(sa.ForeignKey("edition.id", ondelete="CASCADE"))
    theme_day_id: Mapped[int | None] = mapped_column(sa.ForeignKey("theme_day.id"))
    #: 序号 in the task table.
    seq: Mapped[int]
    name: Mapped[str] = mapped_column(sa.String(100))
    content: Mapped[str] = mapped_column(sa.Text, default="")       #: 具体内容
    requirements: Mapped[str] = mapped_column(sa.Text, default="")  #: 活动要求
    audience: Mapped[str] = mapped_column(sa.String(200), default="")
    mode: Mapped[ParticipationMode] = mapped_column(
        sa.Enum(ParticipationMode, native_enum=False, length=20,
                values_callable=lambda e: [m.value for m in e]),
        default=ParticipationMode.NONE)
    category: Mapped[EventCategory] = mapped_column(
        sa.Enum(EventCategory, native_enum=False, length=20,
                values_callable=lambda e: [m.value for m in e]),
        default=EventCategory.OTHER)
    is_published: Mapped[bool] = mapped_column(default=True)
    #: Individual events: False = 每人限报一个场次 (one slot per person); True = one per slot, so a
    #: person may take several slots of the event (the fair's 专区: 简历门诊 and 模拟面试).
    #: (Server-side default only, like the contact columns: an INSERT that does not set it leaves
    #: the column out, so code and tests working at an older schema revision keep working.)
    one_per_slot: Mapped[bool] = mapped_column(server_default=sa.false())
    __mapper_args__ = {"eager_defaults": False}

    edition: Mapped[Edition] = relationship(back_populates="events")
    theme_day: Mapped[ThemeDay | None] = relationship()
    lead_departments: Mapped[list[Department]] = relationship(
        secondary=event_department,
        primaryjoin=lambda: sa.and_(Event.id == event_department.c.event_id,
                                    event_department.c.role == "lead"),
        secondaryjoin=lambda: Department.id == event_department.c.department_id,
        order_by=Department.id, viewonly=True)
    responsible_departments: Mapped[list[Department]] = relationship(
        secondary=event_department,
        primaryjoin=lambda: sa.and_(Event.id == event_department.c.event_id,
                                    event_department.c.role == "responsible"),
        secondaryjoin=lambda: Department.id == event_department.c.department_id,
        order_by=Department.id, viewonly=True)
    slots: Mapped[list["Slot"]] = relationship(
        back_populates="event", order_by="Slot.starts_at", cascade="all, delete-orphan")

    def set_departments(self, lead: list[Department], responsible: list[Department]) -> None:
        """Replace both department lists (the relationships are view-only: the role is a key)."""
        db.session.flush()
        db.session.execute(event_department.delete().where(event_department.c.event_id == self.id))
        rows = [{"event_id": self.id, "department_id": d.id, "role": "lead"} for d in lead]
        rows += [{"event_id": self.id, "department_id": d.id, "role": "responsible"}
                 for d in responsible]
        if rows:
            db.session.execute(event_department.insert(), rows)
        db.session.expire(self, ["lead_departments", "responsible_departments"])


class Slot(db.Model):
    """场次: a time window of an event at a venue, with a capacity in persons.

    ``booked`` is changed only by the capacity service, with conditional UPDATEs
    (see visitorapp.booking.capacity); never assign it from Python.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    venue_id: Mapped[int | None] = mapped_column(sa.ForeignKey("venue.id"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: Persons (students + teachers) this slot admits.
    capacity: Mapped[int]
    #: Persons already booked (confirmed bookings).
    booked: Mapped[int] = mapped_column(default=0)
    is_open: Mapped[bool] = mapped_column(default=True)
    #: Shown to teachers when an organizer closes a slot (e.g. the emergency plan).
    closed_reason: Mapped[str] = mapped_column(sa.String(200), default="")
    #: 演练场次: a practice session for gate staff; not part of the published programme.
    is_rehearsal: Mapped[bool] = mapped_column(default=False)
    label: Mapped[str] = mapped_column(sa.String(50), default="")

    event: Mapped[Event] = relationship(back_populates="slots")
    venue: Mapped[Venue | None] = relationship()

    __table_args__ = (
        sa.CheckConstraint("booked >= 0", name="booked_not_negative"),
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.Index("ix_slot_venue_time", "venue_id", "starts_at"),
    )

    @property
    def title(self) -> str:
        """The event and, when set, the slot's label (the route: 化工体验路线 / 制药体验路线), which
        is what tells two slots at the same time and place apart wherever a slot is named."""
        return f"{self.event.name}（{self.label}）" if self.label else self.event.name

    @property
    def remaining(self) -> int:
        return max(0, self.capacity - self.booked)

    @property
    def is_full(self) -> bool:
        return self.remaining <= 0

    @property
    def local_day(self) -> date:
        return local(self.starts_at).date()

    @classmethod
    def starts_on(cls, day: date) -> sa.ColumnElement[bool]:
        """SQL: the slot starts on this Shanghai calendar day (``local_day`` in a query)."""
        start, end = local_day_bounds(day)
        return sa.and_(cls.starts_at >= start, cls.starts_at < end)

    def overlaps(self, other: "Slot") -> bool:
        return self.starts_at < other.ends_at and other.starts_at < self.ends_at


def slot_title_sql():
    """``Slot.title`` as an SQL expression (exports, lists): the event, and the route label."""
    return sa.case((Slot.label != "", Event.name + "（" + Slot.label + "）"), else_=Event.name)


class CampusDay(db.Model):
    """Visitors booked on campus on one calendar day, held against the edition's daily cap."""

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(sa.ForeignKey("edition.id", ondelete="CASCADE"))
    day: Mapped[date]
    booked: Mapped[int] = mapped_column(default=0)

    __table_args__ = (sa.UniqueConstraint("edition_id", "day", name="uq_campus_day_edition_day"),
                      sa.CheckConstraint("booked >= 0", name="booked_not_negative"))
