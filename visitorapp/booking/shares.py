"""公平份额 (fair shares): the most persons one leader mobile, and one school, may hold per day.

One anonymous client once booked 516 of a day's 1 200 places in 21 API calls; these limits stop
that. They are counters like the campus day (``DailyShare`` rows per edition, day, kind and key),
changed only by ``capacity.take_places`` / ``release_places`` inside the booking's transaction,
with conditional UPDATEs (``… WHERE persons + n <= limit``): two bookings racing for the last
persons of a share cannot both win. The counters are kept whether or not a limit is set, so an
organizer can switch a limit on in the middle of the booking period.

Keys are ``validators.match_key`` of the mobile and of the school name: "株洲市第二中学（初中部）"
and "株洲市第二中学(初中部)" are one school, while both are stored and shown as typed.

The refusal never says how many places others hold under the same mobile or school (that would
tell a stranger about someone else's booking): only the limit, and where to look for one's own.
"""
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from ..database import take_counter
from ..extensions import db
from ..programme.models import Edition
from ..validators import match_key
from .models import DailyShare
from .rules import RuleError


class ShareExceeded(RuleError):
    """The day's share of this mobile or school would be exceeded (``field`` says which)."""

    status = 409


@dataclass(frozen=True)
class Holder:
    """Who holds a group's places, as matching keys: the leader's mobile and the school."""

    mobile: str
    school: str

    @classmethod
    def of(cls, mobile: str, school_name: str) -> "Holder":
        return cls(match_key(mobile), match_key(school_name))

    def keys(self):
        return (("mobile", self.mobile), ("school", self.school))


def limit_of(edition: Edition, kind: str) -> int | None:
    return edition.max_persons_per_mobile_day if kind == "mobile" else \
        edition.max_persons_per_school_day


def take(edition_id: int, day: date, holder: Holder, persons: int) -> None:
    """Add ``persons`` to the holder's mobile and school shares of ``day``, or raise
    ShareExceeded. Mobile before school, always: one lock order, no deadlock."""
    edition = db.session.get(Edition, edition_id)
    for kind, key in holder.keys():
        if not key:
            continue
        limit = limit_of(edition, kind)
        if not take_counter(DailyShare, {"edition_id": edition_id, "day": day, "kind": kind,
                                         "key": key}, DailyShare.persons, persons, limit):
            raise _exceeded(kind, limit, day)


def release(edition_id: int, day: date, holder: Holder, persons: int) -> None:
    for kind, key in holder.keys():
        if not key:
            continue
        db.session.execute(
            sa.update(DailyShare)
            .where(DailyShare.edition_id == edition_id, DailyShare.day == day,
                   DailyShare.kind == kind, DailyShare.key == key)
            .values(persons=sa.case((DailyShare.persons >= persons, DailyShare.persons - persons),
                                    else_=0))
            .execution_options(synchronize_session=False))


def held(edition_id: int, day: date, kind: str, value: str) -> int:
    """Persons a mobile or school (as typed) holds on ``day`` (for organizers and tests)."""
    return db.session.scalar(sa.select(DailyShare.persons).where(
        DailyShare.edition_id == edition_id, DailyShare.day == day, DailyShare.kind == kind,
        DailyShare.key == match_key(value))) or 0


def _exceeded(kind: str, limit: int, day: date) -> ShareExceeded:
    when = f"{day.month}月{day.day}日"
    if kind == "mobile":
        return ShareExceeded(
            "mobile_share_exceeded",
            f"同一领队手机号在{when}预约的总人数（学生+教师）不能超过{limit}人，本次预约将超出该上限。"
            "如确需更多名额，请联系活动周工作组。", field="leader_mobile", limit=limit)
    return ShareExceeded(
        "school_share_exceeded",
        f"同一学校在{when}预约的总人数（学生+教师）不能超过{limit}人，本次预约将超出该上限。"
        "如确需更多名额，请联系活动周工作组；已有的预约可通过“找回预约/报名”页面查看。",
        field="school_name", limit=limit)
