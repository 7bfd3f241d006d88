"""Staff users: a role, optionally a department (reporters) or venues (gate staff)."""
import enum
import functools
import secrets
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug import security

from ..database import UTCDateTime
from ..extensions import db
from ..programme.models import Department, Venue
from ..timeutil import utcnow


class Role(enum.StrEnum):
    ADMIN = "admin"          #: everything, including accounts and the audit log
    ORGANIZER = "organizer"  #: 宣传统战部 / 教务处: manage the week, exports, the college report
    REPORTER = "reporter"    #: one 填报单位: its own report rows and submissions
    GATE = "gate"            #: gate staff: check-in at their venues
    SECURITY = "security"    #: 保卫处: the day's vehicle lists at the campus entrances

    @property
    def label(self) -> str:
        return {"admin": "系统管理员", "organizer": "活动组织者", "reporter": "部门填报员",
                "gate": "入口核验员", "security": "保卫处"}[self.value]


user_venue = sa.Table(
    "user_venue", db.metadata,
    sa.Column("user_id", sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("venue_id", sa.ForeignKey("venue.id", ondelete="CASCADE"), primary_key=True),
)


class User(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(40), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(40), default="")
    password_hash: Mapped[str] = mapped_column(sa.String(256))
    role: Mapped[Role] = mapped_column(
        sa.Enum(Role, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e]))
    #: For reporters: the 填报单位 they report for.
    department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("department.id"))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Raised by sign-out, a password change or reset, and deactivation: every session and
    #: remember cookie issued before carries the old number in its id and is refused.
    session_version: Mapped[int] = mapped_column(default=1, server_default=sa.text("1"))

    department: Mapped[Department | None] = relationship()
    #: For gate staff: the venues whose gates they may operate.
    venues: Mapped[list[Venue]] = relationship(secondary=user_venue, order_by=Venue.id)

    #: When the sign-in this object was loaded for began (epoch seconds; not a column): set by
    #: ``start_session`` on sign-in, or by the user loader from the session id.
    signed_in_at = None

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    def start_session(self, now: datetime) -> None:
        """A new sign-in starts now: the session id (``get_id``) carries this moment."""
        self.signed_in_at = int(now.timestamp())

    def get_id(self) -> str:
        """What the session and the remember cookie carry (Flask-Login's alternative id):
        ``<user id>:<session version>:<signed in at>``, so raising the version signs out every
        device and the loader can refuse a sign-in older than REMEMBER_COOKIE_DURATION."""
        if self.signed_in_at is None:
            self.start_session(utcnow())
        return f"{self.id}:{self.session_version}:{self.signed_in_at}"

    def end_sessions(self) -> None:
        """Sign out everywhere: every session and remember cookie issued so far stops working."""
        self.session_version += 1

    def set_password(self, password: str) -> None:
        self.password_hash = security.generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return security.check_password_hash(self.password_hash, password)

    @staticmethod
    def check_decoy_password(password: str) -> bool:
        """For an unknown username: the same hash check as a known one, so how long sign-in
        takes does not tell which usernames exist. Always False."""
        security.check_password_hash(_decoy_hash(), password)
        return False

    def has_role(self, *roles: Role | str) -> bool:
        """Admins may do anything any role may do."""
        return self.role == Role.ADMIN or self.role in roles

    def may_use_venue(self, venue_id: int) -> bool:
        if self.role in (Role.ADMIN, Role.ORGANIZER):
            return True
        return self.role == Role.GATE and any(v.id == venue_id for v in self.venues)


@functools.cache
def _decoy_hash() -> str:
    """A hash of a random password, made once per process with the method real ones use."""
    return security.generate_password_hash(secrets.token_urlsafe(16))
