"""The group booking form; the JSON API validates with the same class (CSRF off there)."""
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, InputRequired, NumberRange, Optional, ValidationError
from wtforms.validators import Email as EmailValidator

from .. import validators as v
from ..forms import ChineseForm, existing_id
from .models import STAGE_LABELS
from .services import GroupDetails

STAGE_CHOICES = [SelectChoice("", "请选择学段")] + [
    SelectChoice(value, label) for value, label in STAGE_LABELS.items()]


def _name(label: str, min_len: int, max_len: int):
    def check(form, field):
        field.data = v.normalise_text(field.data)
        error = v.name_error(field.data, label, min_len, max_len)
        if error:
            raise ValidationError(error)
    return check


def _mobile(form, field):
    field.data = v.normalise_mobile(field.data)
    error = v.mobile_error(field.data)
    if error:
        raise ValidationError(error)


def _free_text(label: str, max_len: int):
    def check(form, field):
        field.data = v.normalise_text(field.data) if "\n" not in (field.data or "") else \
            (field.data or "").strip()
        error = v.free_text_error(field.data, label, max_len)
        if error:
            raise ValidationError(error)
    return check


def _safe_email(form, field):
    # Valid by RFC, yet "=cmd|…@x.cn" would be a formula in the organizers' spreadsheet.
    field.data = v.normalise_text(field.data)
    if field.data and v.free_text_error(field.data, "电子邮箱", 120):
        raise ValidationError("电子邮箱格式不正确。")


class HeadcountForm(ChineseForm):
    students = IntegerField("学生人数", validators=[
        InputRequired("请填写学生人数。"), NumberRange(1, 1000, "学生人数应为1–1000之间的整数。")])
    teachers = IntegerField("带队教师人数", validators=[
        InputRequired("请填写带队教师人数。"), NumberRange(1, 200, "带队教师人数应为1–200之间的整数。")])


class BookingForm(HeadcountForm):
    """The web form: the slot comes from the URL, so it has no slot field."""

    school_name = StringField("学校名称", validators=[DataRequired("请填写学校名称。"),
                                                   _name("学校名称", 2, 50)])
    school_stage = SelectField("学段", choices=STAGE_CHOICES, validate_choice=False,
                               validators=[DataRequired("请选择学段。"),
                                           AnyOf(list(STAGE_LABELS), "请从列表中选择学段。")])
    grades = StringField("年级", validators=[Optional(), _free_text("年级", 50)],
                         description="如：七年级、八年级")
    leader_name = StringField("领队教师姓名", validators=[DataRequired("请填写领队教师姓名。"),
                                                       _name("领队教师姓名", 2, 30)])
    leader_mobile = StringField("领队教师手机号", validators=[DataRequired("请填写领队教师手机号。"),
                                                          _mobile])
    email = StringField("电子邮箱（选填，用于接收入场码）", validators=[
        Optional(), _safe_email, EmailValidator("电子邮箱格式不正确。", check_deliverability=False)])
    notes = TextAreaField("备注（选填）", validators=[Optional(), _free_text("备注", 500)],
                          description="如：有学生行动不便、需要讲解员等")
    privacy = BooleanField("我已阅读并同意《个人信息保护说明》",
                           validators=[DataRequired("请阅读并同意个人信息保护说明。")])

    def details(self) -> GroupDetails:
        """The validated fields as the booking service takes them (the web form, the API's and
        the waiting list's, which is the same form)."""
        return GroupDetails(
            school_name=self.school_name.data, school_stage=self.school_stage.data,
            grades=self.grades.data or "", students=self.students.data,
            teachers=self.teachers.data, leader_name=self.leader_name.data,
            leader_mobile=self.leader_mobile.data, email=(self.email.data or "").strip(),
            notes=self.notes.data or "")


class ApiBookingForm(BookingForm):
    """The API takes the same fields as JSON; consent is implied by calling it."""

    class Meta:
        csrf = False
        locales = ("zh_CN", "zh")

    privacy = None
    slot_id = IntegerField("场次", validators=[InputRequired("请选择场次。")])


class CancelForm(ChineseForm):
    reason = StringField("取消原因（选填）", validators=[Optional(), _free_text("取消原因", 200)])


class MoveForm(ChineseForm):
    """改约: the slot to move to (a booking's or a registration's)."""

    slot_id = IntegerField("新场次", validators=[InputRequired("请选择新场次。"),
                                             existing_id("所选场次不存在，请重新选择。")])
