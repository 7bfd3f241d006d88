"""`flask editions copy`: next year's week from a past one, dates shifted, nothing else touched."""
from datetime import date

import sqlalchemy as sa

from visitorapp.audit.models import AuditEntry
from visitorapp.booking.models import Booking
from visitorapp.programme.models import Edition, Slot
from visitorapp.programme.services import edition_by_year
from visitorapp.timeutil import local


def test_copy_keeps_the_weekday_and_copies_no_bookings(runner, db):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    bookings = db.session.scalar(sa.select(sa.func.count()).select_from(Booking))
    result = runner.invoke(args=["editions", "copy", "--from", "2026", "--year", "2030"])
    assert result.exit_code == 0, result.output
    assert "已创建 2030年职业教育活动周" in result.output and "17 项活动" in result.output
    db.session.expire_all()
    source, copy = edition_by_year(2026), edition_by_year(2030)
    assert copy.starts_on.weekday() == source.starts_on.weekday() and copy.starts_on.month == 5
    shift = copy.starts_on - source.starts_on
    assert [td.day for td in copy.theme_days] == [td.day + shift for td in source.theme_days]
    assert copy.report_deadline == source.report_deadline + shift
    old = sorted(s.starts_at + shift for e in source.events for s in e.slots)
    new = sorted(s.starts_at for e in copy.events for s in e.slots)
    assert new == old
    assert all(s.booked == 0 for e in copy.events for s in e.slots)
    assert [d.name for d in copy.events[9].responsible_departments] == \
        [d.name for d in source.events[9].responsible_departments]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Booking)) == bookings
    # Audited like the console's copy button (the same operation).
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "edition.copy"))
    assert entry.object_id == copy.id and entry.actor == "系统"
    assert entry.before == {"source_year": 2026} and entry.after["year"] == 2030


def test_copy_on_a_chosen_date(runner, db):
    runner.invoke(args=["seed-demo"])
    result = runner.invoke(args=["editions", "copy", "--from", "2026", "--year", "2031",
                                 "--starts-on", "2031-05-11"])
    assert result.exit_code == 0, result.output
    copy = edition_by_year(2031)
    assert (copy.starts_on, copy.ends_on) == (date(2031, 5, 11), date(2031, 5, 17))
    assert copy.theme_days[3].day == date(2031, 5, 14)
    assert copy.theme_days[3].name == "职业技能体验日"
    # booking closes the afternoon before the experience day, as in the plan
    assert local(copy.booking_closes_at) == local(edition_by_year(2026).booking_closes_at) + (
        copy.starts_on - date(2026, 5, 10))
    assert local(copy.booking_closes_at).date() == date(2031, 5, 13)


def test_copy_refuses_bad_input_and_changes_nothing(runner, db):
    runner.invoke(args=["seed-demo"])
    editions = db.session.scalar(sa.select(sa.func.count()).select_from(Edition))
    slots = db.session.scalar(sa.select(sa.func.count()).select_from(Slot))
    cases = [
        (["--from", "2019", "--year", "2032"], "没有 2019 年的活动周"),
        (["--from", "2026", "--year", "2026"], "2026年活动周已存在"),
        (["--from", "2026", "--year", "2032", "--starts-on", "2032-13-01"], "日期格式应为"),
        (["--from", "2026", "--year", "2032", "--starts-on", "2033-05-09"], "不在 2032 年内"),
    ]
    for args, message in cases:
        result = runner.invoke(args=["editions", "copy", *args])
        assert result.exit_code != 0 and message in result.output, result.output
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Edition)) == editions
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Slot)) == slots
