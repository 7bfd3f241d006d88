"""Demo steps: one account per role (printed), rehearsal slots today — both idempotent."""
import sqlalchemy as sa

from tests.checkin.helpers import MOMENT, cid
from tests.factories import create_edition, create_venue
from visitorapp.accounts.models import User
from visitorapp.booking.models import Booking
from visitorapp.checkin.actors import Actor
from visitorapp.checkin.services import check_in
from visitorapp.demo import accounts, rehearsal
from visitorapp.demo.context import DemoContext
from visitorapp.programme.models import Slot
from visitorapp.tickets.tokens import token_for
from visitorapp.timeutil import local_today, utcnow


def run(edition):
    ctx = DemoContext(now=utcnow(), upcoming=edition)
    rehearsal.seed(ctx)
    accounts.seed(ctx)
    return ctx


def test_demo_accounts_and_rehearsal_are_idempotent(client, db):
    create_venue(name="甲馆")
    create_venue(name="乙馆")
    edition = create_edition()
    first = run(edition)
    second = run(edition)
    assert first.messages[1:] == second.messages[1:]  # the same accounts, printed again
    assert "本次新建 0 个" in second.messages[0]
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == len(accounts.ACCOUNTS)  # one per role
    slots = db.session.scalars(sa.select(Slot).where(Slot.is_rehearsal.is_(True))).all()
    assert len(slots) == 2 and all(s.local_day == local_today() for s in slots)
    assert db.session.scalar(sa.select(sa.func.count(Booking.id))) == 6

    # The printed gate account signs in and practises on a rehearsal ticket.
    line = next(m for m in first.messages if "用户名 gate" in m)
    password = line.split("密码")[1].strip()
    db.session.commit()
    assert client.post("/login", data={"username": "gate", "password": password}).status_code == 302
    gate = db.session.scalar(sa.select(User).where(User.username == "gate"))
    booking = db.session.scalars(sa.select(Booking)).first()
    outcome = check_in(token_for(booking), booking.slot.venue, "in", None, None, cid(),
                       Actor(user=gate), now=MOMENT)
    assert outcome.checkin.result == "ok"
