"""Demo step: 演练场次 — a rehearsal slot at each venue today, with a few bookings, so gate staff
can practise scanning (and tests can scan) before the week. Idempotent per day.

The slots belong to a hidden event of the upcoming (or past) edition; Slot.is_rehearsal keeps
them out of the public picker and off the campus daily cap.
"""
from datetime import time

import sqlalchemy as sa

from ..booking.services import GroupDetails, create_booking
from ..extensions import db
from ..programme.models import Event, ParticipationMode, Slot, Venue
from ..timeutil import at_local, local_day_bounds
from .context import DemoContext

EVENT_NAME = "入口核验演练"
#: The whole working day, so practice at any hour is on time enough (late arrivals warn amber).
STARTS, ENDS = time(8, 30), time(17, 30)
SCHOOLS = (("演练学校·株洲市第一中学", "senior", 30, 2), ("演练学校·湘潭市实验小学", "primary", 20, 2),
           ("演练学校·长沙市职业中专", "secondary_vocational", 40, 2))


def seed(ctx: DemoContext) -> None:
    edition = ctx.upcoming or ctx.past
    if edition is None:
        ctx.messages.append("演练场次：没有活动周数据，已跳过。")
        return
    event = db.session.scalar(sa.select(Event).where(Event.edition_id == edition.id,
                                                     Event.name == EVENT_NAME))
    if event is None:
        seq = (db.session.scalar(sa.select(sa.func.max(Event.seq))
                                 .where(Event.edition_id == edition.id)) or 0) + 100
        event = Event(edition=edition, seq=seq, name=EVENT_NAME, mode=ParticipationMode.GROUP,
                      is_published=False, content="入口工作人员扫码演练（不对外开放）。")
        db.session.add(event)
        db.session.flush()
    start, end = local_day_bounds(ctx.today)
    venues = db.session.scalars(sa.select(Venue).where(Venue.is_active.is_(True))
                                .order_by(Venue.id)).all()
    made = 0
    for n, venue in enumerate(venues):
        exists = db.session.scalar(sa.select(Slot.id).where(
            Slot.venue_id == venue.id, Slot.is_rehearsal.is_(True),
            Slot.starts_at >= start, Slot.starts_at < end))
        if exists:
            continue
        slot = Slot(event=event, venue=venue, starts_at=at_local(ctx.today, STARTS),
                    ends_at=at_local(ctx.today, ENDS), capacity=min(200, venue.safe_occupancy),
                    is_rehearsal=True, label="演练场次")
        db.session.add(slot)
        db.session.flush()
        for i, (school, stage, students, teachers) in enumerate(SCHOOLS):
            if students + teachers > slot.remaining:
                break
            create_booking(slot, GroupDetails(
                school_name=school, school_stage=stage, grades="", students=students,
                teachers=teachers, leader_name="演练老师",
                leader_mobile=f"1990{ctx.today:%m%d}{n % 100:02d}{i}"[:11]),
                source="staff", enforce_window=False, now=ctx.now)
        made += 1
    ctx.messages.append(f"演练场次：今日 {len(venues)} 个场馆均有演练场次（本次新建 {made} 个），"
                        "入口核验页 /gate 可扫码练习。")
