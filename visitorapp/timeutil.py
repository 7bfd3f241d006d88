"""Time: stored in UTC, shown and entered in Asia/Shanghai (the college's only timezone)."""
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

from .config import LOCAL_TZ

TZ = ZoneInfo(LOCAL_TZ)
UTC = timezone.utc


def utcnow() -> datetime:
    """The app's one clock: the current moment, timezone-aware. Only the outermost layer (a view,
    a CLI command, a column ``default=`` callable) reads it; rules take ``now``/``today`` as an
    argument. Tests move it with time-machine (tests/conftest.py)."""
    return datetime.now(UTC)


def local(dt: datetime) -> datetime:
    """The same moment on a Shanghai wall clock."""
    return dt.astimezone(TZ)


def local_today() -> date:
    """Today on a Shanghai wall clock, read from the same clock."""
    return local(utcnow()).date()


def at_local(day: date, clock: time) -> datetime:
    """A Shanghai wall-clock time on ``day``, as an aware datetime."""
    return datetime.combine(day, clock, tzinfo=TZ)


def local_day_bounds(day: date) -> tuple[datetime, datetime]:
    """[start, end) of a Shanghai calendar day, in UTC, for range queries."""
    start = at_local(day, time(0, 0)).astimezone(UTC)
    end = at_local(date.fromordinal(day.toordinal() + 1), time(0, 0)).astimezone(UTC)
    return start, end


WEEKDAYS = "一二三四五六日"


def format_day(day: date) -> str:
    """5月13日（周三）"""
    return f"{day.month}月{day.day}日（周{WEEKDAYS[day.weekday()]}）"


def format_time(dt: datetime) -> str:
    return local(dt).strftime("%H:%M")


def format_datetime(dt: datetime | None) -> str:
    if dt is None:
        return ""
    d = local(dt)
    return f"{d.year}年{d.month}月{d.day}日 {d:%H:%M}"
