"""A past week with bookings and check-ins, built through the real services."""
from datetime import datetime, time, timedelta

from tests.checkin.helpers import scan_at
from tests.factories import (
    create_booking,
    create_department,
    create_edition,
    create_event,
    create_slot,
    create_user,
    create_venue,
)
from visitorapp.accounts.models import Role
from visitorapp.programme.models import EventCategory
from visitorapp.timeutil import TZ, local_today


def check_in(booking, students=None, teachers=None, *, direction="in", result="ok", at=None):
    """One scan of ``booking`` at the gate, at ``at`` (default: 5 minutes into its slot), through
    the gate's own operation. ``result`` is what the test expects the gate to answer."""
    scan = scan_at(booking, at or booking.slot.starts_at + timedelta(minutes=5), direction,
                   students, teachers)
    assert scan.result == result, scan.message
    return scan


def past_week(**kw):
    """A week that ended last week: two colleges, a joint activity, arrivals and a no-show."""
    starts_on = local_today() - timedelta(days=20)
    edition = create_edition(starts_on=starts_on, **kw)
    chem, pharma, office = (create_department("化学工程学院"), create_department("制药与生物工程学院"),
                            create_department("宣传统战部", kind="office"))
    lab = create_venue("全国化学会科普基地", host_department_id=chem.id)
    pharm_lab = create_venue("精艺楼", host_department_id=pharma.id)
    open_day = create_event(edition, "开放全国化学会科普基地以及精艺楼", seq=10)
    open_day.set_departments([], [chem, pharma])
    live = create_event(edition, "直播探校", seq=14, category=EventCategory.OTHER)
    live.set_departments([office], [office])
    day = starts_on + timedelta(days=3)
    s1 = create_slot(open_day, lab, capacity=200, starts_at=datetime.combine(day, time(9), TZ))
    s2 = create_slot(open_day, pharm_lab, capacity=200,
                     starts_at=datetime.combine(day + timedelta(days=1), time(14), TZ))
    b1 = create_booking(s1, school_name="株洲市第二中学", school_stage="senior", students=40, teachers=3)
    b2 = create_booking(s1, school_name="天元区小学", school_stage="primary", students=30, teachers=3)
    b3 = create_booking(s2, school_name="醴陵市职业中专", school_stage="secondary_vocational",
                        students=50, teachers=3)
    b4 = create_booking(s2, school_name="攸县第一中学", school_stage="senior", students=20, teachers=1)
    check_in(b1)
    check_in(b1, result="already_inside")  # scanned twice: counted once
    check_in(b2, students=25, teachers=2)   # five pupils stayed home
    check_in(b3, students=50, teachers=3)   # two buses: one entry, numbers confirmed at the gate
    # b4 never came: a no-show
    reporter = create_user(Role.REPORTER, department=chem)
    return dict(edition=edition, chem=chem, pharma=pharma, office=office, lab=lab,
                pharm_lab=pharm_lab, open_day=open_day, live=live, slots=(s1, s2),
                bookings=(b1, b2, b3, b4), reporter=reporter)
