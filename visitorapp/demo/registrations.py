"""Demo: registrations for the job fair's 简历门诊 / 模拟面试, a waiting list, a draft submission."""
from datetime import time, timedelta

import sqlalchemy as sa

from ..extensions import db
from ..programme.models import Department, Event, EventCategory, ParticipationMode, Slot, Venue
from ..registration import services as registration
from ..registration.models import QuestionKind, RegistrationQuestion
from ..submissions.models import Submission, SubmissionKind
from ..timeutil import at_local
from ..waitlist import services as waitlist
from ..waitlist.models import EntryKind, WaitlistEntry
from .context import DemoContext

CLINIC = "精准招聘会·简历门诊与模拟面试"
STUDENTS = [("刘同学", "13700010001", "2024030101", "化学工程学院", "应化2401班"),
            ("陈同学", "13700010002", "2024030102", "制药与生物工程学院", "药学2402班"),
            ("杨同学", "13700010003", "2024030103", "智能制造学院", "机电2401班"),
            ("黄同学", "13700010004", "2024030104", "化学工程学院", "化工2403班")]


def seed(ctx: DemoContext) -> None:
    edition = ctx.upcoming
    if edition is None:
        return
    event = _clinic_event(edition)
    slots = [s for s in event.slots if not s.is_rehearsal]
    if not slots:
        return
    full_slot = slots[0]
    for i, (name, mobile, number, college, class_name) in enumerate(STUDENTS):
        slot = full_slot if i < full_slot.capacity else slots[min(1, len(slots) - 1)]
        if registration.find_duplicate(slot, mobile) is None and slot.remaining > 0:
            registration.create_registration(slot, registration.PersonDetails(
                name=name, mobile=mobile, student_number=number, college=college,
                class_name=class_name), source="staff", enforce_window=False, now=ctx.now)
    db.session.refresh(full_slot)
    waiting = registration.PersonDetails(name="周同学", mobile="13700010009", student_number="2024030109",
                                         college="化学工程学院", class_name="应化2402班")
    if full_slot.is_full and waitlist.open_entry(full_slot, waiting.mobile) is None and \
            not db.session.scalar(sa.select(WaitlistEntry.id).where(WaitlistEntry.mobile == waiting.mobile)):
        waitlist.join(full_slot, EntryKind.INDIVIDUAL, name=waiting.name, mobile=waiting.mobile,
                      email="", headcount=1, details=waiting.as_dict(), now=ctx.now, visitors=False)
    _draft_submission(edition)
    ctx.messages.append(f"个人报名演示：{event.name}（{len(slots)}个场次），候补与材料报送草稿已就绪。")


def _clinic_event(edition) -> Event:
    """The job fair's individual event: the plan's own if it is individual, else a demo one."""
    event = db.session.scalar(sa.select(Event).where(
        Event.edition_id == edition.id, Event.mode == ParticipationMode.INDIVIDUAL,
        sa.or_(Event.name.contains("简历"), Event.name.contains("面试"),
              Event.content.contains("简历门诊"))).order_by(Event.seq).limit(1))
    if event is not None:
        return event
    event = Event(edition=edition, seq=900, name=CLINIC, mode=ParticipationMode.INDIVIDUAL,
                  category=EventCategory.OTHER, one_per_slot=True, audience="本校学生及共同体院校学生",
                  content="联合共同体企业举办精准招聘会，开设“简历门诊”“模拟面试”专区。")
    db.session.add(event)
    db.session.flush()
    venue = db.session.scalar(sa.select(Venue).order_by(Venue.id).limit(1))
    day = edition.starts_on + timedelta(days=2)
    for label, hour in ([("简历门诊", 9), ("简历门诊", 10), ("模拟面试", 14),
                         ("模拟面试", 15)]):
        starts = at_local(day, time(hour, 0))
        event.slots.append(Slot(venue_id=venue.id if venue else None,
                                starts_at=starts, ends_at=starts + timedelta(minutes=50),
                                capacity=3 if hour == 9 else 6, label=label))
    db.session.add(RegistrationQuestion(event_id=event.id, label="简历（PDF/Word）", kind=QuestionKind.FILE,
                                        required=False, file_types="pdf,doc,docx", max_kb=2048,
                                        help_text="简历门诊请上传，模拟面试可不传", position=1))
    db.session.flush()
    return event


def _draft_submission(edition) -> None:
    college = db.session.scalar(sa.select(Department).where(Department.kind == "college")
                                .order_by(Department.id).limit(1))
    if college is None or db.session.scalar(sa.select(Submission.id).where(
            Submission.edition_id == edition.id, Submission.department_id == college.id)):
        return
    db.session.add(Submission(edition=edition, department=college, kind=SubmissionKind.MAJOR_INTRO,
                              title=f"{college.name}：一分钟说专业",
                              body="我们的专业培养懂工艺、会操作、能创新的技术技能人才。", updated_by="demo"))
    db.session.flush()
