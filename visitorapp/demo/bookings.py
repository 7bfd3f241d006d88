"""Demo step: sample school bookings in the past 2026 week and a few in next May's copy.

Bookings go through the real service (visitorapp.booking.services), so slot, venue and campus-day
counters are exactly what real bookings would leave. Idempotent: a sample is keyed by its slot
and the leader's mobile; a sample already there (confirmed or cancelled) is left alone.
Numbers use the 0733 (Zhuzhou) block of the 139 prefix and no e-mail, so nothing is ever sent.
"""
from dataclasses import dataclass
from datetime import datetime, time

import sqlalchemy as sa

from ..booking import services
from ..booking.models import Booking
from ..booking.services import GroupDetails
from ..errors import DomainError
from ..extensions import db
from ..programme.models import Edition, Event, Slot
from ..timeutil import local
from .context import DemoContext


@dataclass(frozen=True)
class Sample:
    seq: int          #: event (task-table row)
    label: str        #: slot label
    start: time       #: slot start, Shanghai
    school: str
    stage: str
    grades: str
    students: int
    teachers: int
    leader: str
    mobile: str
    notes: str = ""
    cancelled: str | None = None  #: cancellation reason, when the school cancelled


JY, ZY, CX, LD = "化工体验路线", "制药体验路线", "半天体验", "半天劳动实践"
AM, AM2, PM, PM2 = time(8, 30), time(10, 15), time(14, 0), time(15, 45)
HALF_AM, HALF_PM = time(9, 0), time(14, 30)

PAST = (
    Sample(10, JY, AM, "株洲市荷塘区第一小学", "primary", "五年级", 40, 4, "刘芳", "13907330101",
           "有2名学生需要家长陪同，已计入教师人数。"),
    Sample(10, ZY, AM, "株洲市天元区第三中学", "junior", "八年级", 50, 3, "陈建国", "13907330102"),
    Sample(10, JY, AM2, "株洲市第二中学", "senior", "高一年级", 45, 3, "李红梅", "13907330103"),
    Sample(10, ZY, PM, "湖南省化工技工学校", "secondary_vocational", "一年级", 38, 2, "周志强", "13907330104",
           "希望重点参观制药GMP实训车间。"),
    Sample(10, JY, PM2, "株洲市石峰区清水塘小学", "primary", "六年级", 30, 3, "王丽", "13907330105",
           cancelled="当天学校临时安排体检。"),
    Sample(11, CX, HALF_AM, "株洲市芦淞区建设中学", "junior", "七年级、八年级", 80, 4, "赵磊", "13907330106"),
    Sample(11, CX, HALF_AM, "醴陵市第一中学", "senior", "高二年级", 50, 3, "孙志明", "13907330107"),
    Sample(11, CX, HALF_PM, "株洲市职业技术学校", "secondary_vocational", "机电专业二年级", 60, 3, "黄勇",
           "13907330108"),
    Sample(11, CX, HALF_PM, "攸县第三中学", "senior", "高一年级", 40, 2, "吴静", "13907330109",
           cancelled="车辆未能落实，改期参加。"),
    Sample(12, LD, HALF_AM, "株洲市天元区泰山学校", "primary", "四年级", 60, 6, "郑晓燕", "13907330110",
           "请准备少量儿童尺寸劳动手套。"),
    Sample(12, LD, HALF_AM, "株洲师范高等专科学校附属中学", "junior", "九年级", 40, 2, "冯涛", "13907330111"),
    Sample(12, LD, HALF_PM, "湖南铁路科技职业技术学院", "higher_vocational", "大一", 45, 3, "何敏",
           "13907330112"),
)

UPCOMING = (
    Sample(10, JY, AM, "株洲市荷塘区第一小学", "primary", "五年级", 36, 4, "刘芳", "13907330201"),
    Sample(11, CX, HALF_AM, "株洲市天元区第三中学", "junior", "七年级", 70, 4, "陈建国", "13907330202"),
    Sample(12, LD, HALF_PM, "炎陵县职业中专", "secondary_vocational", "一年级", 40, 2, "邓华", "13907330203"),
    Sample(10, ZY, PM, "株洲市南方中学", "senior", "高一年级", 30, 2, "罗晨", "13907330204",
           cancelled="与期中考试时间冲突。"),
)


def seed(ctx: DemoContext) -> None:
    for edition, samples in ((ctx.past, PAST), (ctx.upcoming, UPCOMING)):
        if edition is not None:
            for sample in samples:
                add_sample(edition, sample, ctx.messages, ctx.now)


def add_sample(edition: Edition, sample: Sample, messages: list[str], now: datetime) -> Booking | None:
    slot = find_slot(edition, sample)
    if slot is None:  # an organizer removed or moved that slot: skip the sample
        return None
    existing = db.session.scalar(sa.select(Booking).where(
        Booking.slot_id == slot.id, Booking.leader_mobile == sample.mobile).limit(1))
    if existing is not None:
        return existing
    details = GroupDetails(
        school_name=sample.school, school_stage=sample.stage, grades=sample.grades,
        students=sample.students, teachers=sample.teachers, leader_name=sample.leader,
        leader_mobile=sample.mobile, notes=sample.notes)
    try:
        # A savepoint: if an organizer made the slot smaller, this sample's partial updates are
        # undone and seeding goes on without it.
        with db.session.begin_nested():
            booking = services.create_booking(slot, details, source="staff", enforce_window=False,
                                              now=now)
            if sample.cancelled is not None:
                services.cancel_booking(booking, reason=sample.cancelled, actor="演示数据", now=now)
    except DomainError as exc:
        messages.append(f"示例预约未添加（{sample.school}）：{exc.message}")
        return None
    return booking


def find_slot(edition: Edition, sample: Sample) -> Slot | None:
    slots = db.session.scalars(
        sa.select(Slot).join(Slot.event)
        .where(Event.edition_id == edition.id, Event.seq == sample.seq, Slot.label == sample.label,
               Slot.is_rehearsal.is_(False)))
    return next((s for s in slots if local(s.starts_at).time() == sample.start), None)
