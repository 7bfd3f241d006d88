"""The demo step seeds clinic registrations, a waiting list and a draft, and is idempotent."""
import sqlalchemy as sa

from tests.factories import create_department, create_edition, create_venue
from visitorapp.demo import registrations as step
from visitorapp.demo.context import DemoContext
from visitorapp.registration.models import Registration
from visitorapp.submissions.models import Submission, SubmissionStatus
from visitorapp.timeutil import utcnow
from visitorapp.waitlist.models import EntryStatus, WaitlistEntry


def test_demo_registrations_step_is_idempotent(db):
    edition = create_edition()
    create_department("化学工程学院")
    create_venue("精准招聘会场")
    ctx = DemoContext(now=utcnow(), upcoming=edition)
    step.seed(ctx)
    step.seed(ctx)
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Registration))
    assert count == 4
    [entry] = db.session.scalars(sa.select(WaitlistEntry)).all()
    assert entry.status == EntryStatus.WAITING
    [draft] = db.session.scalars(sa.select(Submission)).all()
    assert draft.status == SubmissionStatus.DRAFT
    assert any("个人报名演示" in m for m in ctx.messages)
