"""The parents' letter: the edition's template (or the default), filled in for one booking."""
import re
from dataclasses import dataclass

from ..audit.models import log_action
from ..booking.models import Booking
from ..errors import DomainError
from ..extensions import db
from ..programme.models import Edition
from ..timeutil import format_day, format_time
from .models import LetterTemplate

#: What the organizer may write in the template, and what each becomes in a teacher's letter.
PLACEHOLDERS = {
    "学校": "the school's name", "日期": "the visit's date", "时间": "start–end",
    "地点": "venue and building", "活动": "the event's name",
    "活动内容": "what the students will do (the event's content)",
    "学生人数": "students", "教师人数": "teachers", "领队": "the leader's name",
    "领队电话": "the leader's mobile", "活动周": "the edition's title", "主题": "its theme",
}
PLACEHOLDER_RE = re.compile(r"【([^】]{1,6})】")

#: What students do when the event's content is empty.
DEFAULT_CONTENT = "参观实训场地、观看技能展示、动手体验职业技能。"

PARTS = ("title", "body", "safety", "contact", "return_slip")

DEFAULTS = {
    "title": "致家长的一封信",
    "body": (
        "尊敬的家长：\n"
        "您好！为帮助孩子了解职业、体验技能，【学校】将于【日期】【时间】组织学生【学生人数】名，"
        "由【教师人数】名教师带队，前往湖南化工职业技术学院参加【活动周】“【活动】”活动，"
        "地点：【地点】。\n"
        "活动内容：【活动内容】\n"
        "本次活动由学校统一组织、往返全程由带队教师负责，活动免费。请您支持孩子参加，"
        "并在回执上签字后于出发前交给班主任。"),
    "safety": (
        "请孩子穿校服、平底鞋，长发束起，带好饮用水；\n"
        "听从带队教师和工作人员指挥，不擅自离队，不触摸设备、仪器和化学试剂；\n"
        "校园内禁止吸烟，不携带易燃易爆等危险物品；\n"
        "孩子如有身体不适或特殊情况，请提前告知带队教师。"),
    "contact": "带队教师：【领队】，电话：【领队电话】。",
    "return_slip": (
        "本人已阅读《致家长的一封信》，知悉【日期】“【活动】”活动的安排和安全要求，"
        "□ 同意 □ 不同意 孩子__________（班级__________）参加。\n"
        "家长签名：__________　联系电话：__________　日期：____年__月__日"),
}


class LetterError(DomainError):
    status = 422


@dataclass
class Letter:
    """A filled-in letter: each part's text, ready for the template (escaped there)."""

    title: str
    body: str
    safety: list[str]
    contact: str
    return_slip: str
    school: str


def template_for(edition: Edition) -> dict[str, str]:
    row = db.session.get(LetterTemplate, edition.id)
    return {part: getattr(row, part) for part in PARTS} if row else dict(DEFAULTS)


def save_template(edition: Edition, values: dict[str, str]) -> None:
    """Replace the edition's template; unknown 【占位符】 are refused (a typo would print as is)."""
    for part in PARTS:
        unknown = [name for name in PLACEHOLDER_RE.findall(values.get(part, ""))
                   if name not in PLACEHOLDERS]
        if unknown:
            raise LetterError("unknown_placeholder",
                              f"不认识的占位符：【{unknown[0]}】。可用的有："
                              + "、".join(f"【{p}】" for p in PLACEHOLDERS), field=part)
    row = db.session.get(LetterTemplate, edition.id)
    before = {part: getattr(row, part) for part in PARTS} if row else None
    if row is None:
        row = LetterTemplate(edition_id=edition.id)
        db.session.add(row)
    for part in PARTS:
        setattr(row, part, values[part])
    db.session.flush()
    log_action("letter.template", edition, before=before, after={p: values[p] for p in PARTS},
               summary=f"修改{edition.year}年家长告知书模板")


def reset_template(edition: Edition) -> None:
    row = db.session.get(LetterTemplate, edition.id)
    if row is not None:
        db.session.delete(row)
        db.session.flush()
        log_action("letter.template_reset", edition, summary=f"{edition.year}年家长告知书恢复默认模板")


def letter_for(booking: Booking) -> Letter:
    slot = booking.slot
    edition = slot.event.edition
    venue = slot.venue
    values = {
        "学校": booking.school_name, "日期": f"{slot.local_day.year}年{format_day(slot.local_day)}",
        "时间": f"{format_time(slot.starts_at)}–{format_time(slot.ends_at)}",
        "地点": f"湖南化工职业技术学院{venue.place}" if venue else "湖南化工职业技术学院",
        "活动": slot.title,
        "活动内容": " ".join((slot.event.content or DEFAULT_CONTENT).split()),
        "学生人数": str(booking.students), "教师人数": str(booking.teachers),
        "领队": booking.leader_name, "领队电话": booking.leader_mobile,
        "活动周": edition.title, "主题": edition.theme,
    }
    text = template_for(edition)

    def fill(value: str) -> str:
        return PLACEHOLDER_RE.sub(lambda m: values.get(m.group(1), m.group(0)), value)

    return Letter(title=fill(text["title"]), body=fill(text["body"]),
                  safety=[line for line in fill(text["safety"]).splitlines() if line.strip()],
                  contact=fill(text["contact"]), return_slip=fill(text["return_slip"]),
                  school=booking.school_name)
