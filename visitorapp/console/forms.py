"""Console forms: Chinese messages, CSRF from ChineseForm, hostile strings refused or escaped."""
import re
from datetime import datetime

from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
    ValidationError,
)
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional
from wtforms.validators import Email as EmailValidator
from wtforms.widgets import CheckboxInput, ListWidget

from .. import validators as v
from ..booking.forms import STAGE_CHOICES, _mobile, _name
from ..forms import ChineseForm
from ..programme.models import EventCategory, ParticipationMode
from ..timeutil import TZ


def _int(label: str, low: int, high: int, required: bool = True):
    checks = [InputRequired(f"请填写{label}。")] if required else [Optional()]
    return IntegerField(label, validators=checks + [
        NumberRange(low, high, f"{label}应为{low}–{high}之间的整数。")])


def _title(label: str, max_len: int):
    """Titles staff type (event and venue names): any text but no formula lead or control chars.

    No NFKC here: official names keep their full-width （） as the plan writes them."""
    def check(form, field):
        field.data = re.sub(r"[ \t\u3000]+", " ", field.data or "").strip()
        if field.data.startswith(v.FORMULA_PREFIXES):
            raise ValidationError(f"{label}不能以 = + - @ 开头。")
        error = v.free_text_error(field.data, label, max_len)
        if error:
            raise ValidationError(error)
    return check


def _free_text(label: str, max_len: int):
    """Staff free text: Chinese punctuation kept as typed (no NFKC), control characters refused."""
    def check(form, field):
        value = field.data or ""
        field.data = value.strip() if "\n" in value else re.sub(r"[ \t\u3000]+", " ", value).strip()
        error = v.free_text_error(field.data, label, max_len)
        if error:
            raise ValidationError(error)
    return check


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class EventForm(ChineseForm):
    seq = _int("序号", 1, 999)
    name = StringField("活动名称", validators=[DataRequired("请填写活动名称。"), _title("活动名称", 100)])
    theme_day_id = SelectField("主题活动日", coerce=int, choices=[])
    content = TextAreaField("具体内容", validators=[Optional(), _free_text("具体内容", 2000)])
    requirements = TextAreaField("活动要求", validators=[Optional(), _free_text("活动要求", 2000)])
    audience = StringField("面向对象", validators=[Optional(), _free_text("面向对象", 200)])
    mode = SelectField("参与方式", choices=[(m.value, m.label) for m in ParticipationMode])
    category = SelectField("活动类别", choices=[(c.value, c.label) for c in EventCategory])
    lead_ids = MultiCheckboxField("牵头部门", coerce=int, choices=[])
    responsible_ids = MultiCheckboxField("责任部门", coerce=int, choices=[])
    is_published = BooleanField("对外发布", default=True)
    one_per_slot = BooleanField("个人报名：每个场次可各报一次（如招聘会各专区）；不勾选则每人限报一个场次")


class VenueForm(ChineseForm):
    name = StringField("场地名称", validators=[DataRequired("请填写场地名称。"), _title("场地名称", 80)])
    building = StringField("所在楼宇", validators=[Optional(), _title("所在楼宇", 80)])
    host_department_id = SelectField("承办部门", coerce=int, choices=[])
    safe_occupancy = _int("安全容量（人）", 1, 5000)
    visitor_notes = TextAreaField("参观须知", validators=[Optional(), _free_text("参观须知", 1000)])
    is_active = BooleanField("启用", default=True)


class SlotForm(ChineseForm):
    event_id = SelectField("活动", coerce=int, choices=[])
    venue_id = SelectField("场地", coerce=int, choices=[])
    day = DateField("日期", validators=[InputRequired("请选择日期。")])
    starts = TimeField("开始时间", validators=[InputRequired("请填写开始时间。")])
    ends = TimeField("结束时间", validators=[InputRequired("请填写结束时间。")])
    capacity = _int("容量（人）", 1, 5000)
    label = StringField("场次名称（选填）", validators=[Optional(), _title("场次名称", 50)])

    def validate_ends(self, field):
        if self.starts.data and field.data and field.data <= self.starts.data:
            raise ValidationError("结束时间必须晚于开始时间。")


class SlotEditForm(ChineseForm):
    capacity = _int("容量（人）", 1, 5000)
    label = StringField("场次名称（选填）", validators=[Optional(), _title("场次名称", 50)])


class CloseSlotForm(ChineseForm):
    reason = StringField("暂停原因（显示给预约教师）", validators=[
        DataRequired("请填写暂停原因（将显示给预约教师）。"), _free_text("暂停原因", 200)])


class BulkSlotForm(ChineseForm):
    event_id = SelectField("活动", coerce=int, choices=[])
    venue_id = SelectField("场地", coerce=int, choices=[])
    days = MultiCheckboxField("日期", choices=[], validators=[DataRequired("请至少选择一天。")])
    first_start = TimeField("首场开始时间", validators=[InputRequired("请填写首场开始时间。")])
    minutes = _int("每场时长（分钟）", 10, 480)
    gap = _int("场次间隔（分钟）", 0, 240)
    count = _int("每天场次数", 1, 20)
    capacity = _int("每场容量（人）", 1, 5000)
    label = StringField("场次名称（选填）", validators=[Optional(), _title("场次名称", 50)])


class ThemeDayForm(ChineseForm):
    position = _int("顺序", 1, 99)
    name = StringField("名称", validators=[DataRequired("请填写主题日名称。"), _title("主题日名称", 50)])
    day = DateField("日期", validators=[Optional()])


class SettingsForm(ChineseForm):
    daily_cap = _int("每日全校接待上限（人）", 1, 100000)
    students_per_teacher = _int("每名教师最多带学生数", 1, 100)
    students_per_teacher_primary = _int("小学：每名教师最多带学生数", 1, 100)
    max_group_size = _int("单个团队最多人数", 2, 2000)
    booking_opens_at = DateTimeLocalField("预约开放时间", format="%Y-%m-%dT%H:%M",
                                          validators=[Optional()])
    booking_closes_at = DateTimeLocalField("预约截止时间", format="%Y-%m-%dT%H:%M",
                                           validators=[Optional()])
    change_deadline_hours = _int("修改截止（开场前小时数）", 0, 240)
    report_deadline = DateField("情况报表截止日期", validators=[Optional()])
    max_persons_per_mobile_day = _int("同一领队手机号每天最多预约人数", 1, 100000, required=False)
    max_persons_per_school_day = _int("同一学校每天最多预约人数", 1, 100000, required=False)
    approval_threshold = _int("超过多少人的团队需审核（待审核）", 1, 2000, required=False)
    approval_hours = _int("审核期限（小时，逾期释放名额）", 1, 720)
    contact_name = StringField("联系人", validators=[Optional(), _free_text("联系人", 50)],
                               description="如：活动周工作组 王老师")
    contact_phone = StringField("联系电话", validators=[Optional(), _free_text("联系电话", 50)])
    address = StringField("地址", validators=[Optional(), _free_text("地址", 200)])
    directions = TextAreaField("交通/停车", validators=[Optional(), _free_text("交通/停车", 500)],
                               description="如：公交线路、校门、大巴停放位置")

    def validate_booking_closes_at(self, field):
        if field.data and self.booking_opens_at.data and field.data <= self.booking_opens_at.data:
            raise ValidationError("预约截止时间必须晚于开放时间。")

    def values(self) -> dict:
        """Form data for the service, with the wall-clock times read as Shanghai time."""
        data = {k: getattr(self, k).data for k in (
            "daily_cap", "students_per_teacher", "students_per_teacher_primary", "max_group_size",
            "change_deadline_hours", "report_deadline", "max_persons_per_mobile_day",
            "max_persons_per_school_day", "approval_threshold", "approval_hours",
            "contact_name", "contact_phone", "address", "directions")}
        for key in ("booking_opens_at", "booking_closes_at"):
            value: datetime | None = getattr(self, key).data
            data[key] = value.replace(tzinfo=TZ) if value else None
        return data


class CopyEditionForm(ChineseForm):
    year = _int("新的年度", 2000, 2999)
    starts_on = DateField("开始日期", validators=[InputRequired("请选择开始日期。")])


class BookingDetailsForm(ChineseForm):
    school_name = StringField("学校名称", validators=[DataRequired("请填写学校名称。"),
                                                   _name("学校名称", 2, 50)])
    school_stage = SelectField("学段", choices=STAGE_CHOICES, validators=[DataRequired("请选择学段。")])
    grades = StringField("年级", validators=[Optional(), _free_text("年级", 50)])
    leader_name = StringField("领队教师姓名", validators=[DataRequired("请填写领队教师姓名。"),
                                                       _name("领队教师姓名", 2, 30)])
    leader_mobile = StringField("领队教师手机号", validators=[DataRequired("请填写领队教师手机号。"),
                                                          _mobile])
    email = StringField("电子邮箱", validators=[
        Optional(), EmailValidator("电子邮箱格式不正确。", check_deliverability=False)])
    notes = TextAreaField("备注", validators=[Optional(), _free_text("备注", 500)])


class RejectForm(ChineseForm):
    reason = StringField("未通过原因（将通知领队教师）", validators=[
        DataRequired("请填写未通过的原因（将通知领队教师）。"), _free_text("未通过原因", 150)])


class StaffCancelForm(ChineseForm):
    reason = StringField("取消原因（将通知领队教师）", validators=[
        DataRequired("请填写取消原因（将通知领队教师）。"), _free_text("取消原因", 200)])
