"""The demo step fills the past edition with check-ins, once."""
import sqlalchemy as sa

from tests.factories import create_booking
from tests.reports.helpers import past_week
from visitorapp.checkin.models import CheckIn
from visitorapp.demo import checkins
from visitorapp.demo.context import DemoContext
from visitorapp.reports import statistics
from visitorapp.timeutil import utcnow


def test_demo_checkins_arrive_most_groups_and_are_idempotent(db):
    week = past_week()
    slot = week["slots"][0]
    for n in range(5):
        create_booking(slot, students=20 + n, teachers=2)
    before = db.session.scalar(sa.select(sa.func.count(CheckIn.id)))
    ctx = DemoContext(now=utcnow(), past=week["edition"])
    checkins.seed(ctx)
    after = db.session.scalar(sa.select(sa.func.count(CheckIn.id)))
    assert after > before
    report = statistics.college_report(week["edition"]).total
    assert report.arrived > 0.6 * report.booked
    checkins.seed(ctx)  # again: nothing new
    assert db.session.scalar(sa.select(sa.func.count(CheckIn.id))) == after
    assert statistics.college_report(week["edition"]).total.arrived == report.arrived


def test_demo_checkins_without_a_past_edition_do_nothing(db):
    checkins.seed(DemoContext(now=utcnow()))
    assert db.session.scalar(sa.select(sa.func.count(CheckIn.id))) == 0
