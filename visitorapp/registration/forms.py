"""The individual registration form, with the event's extra questions added per event."""
import re

from flask_wtf.file import FileField
from wtforms import BooleanField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional, ValidationError
from wtforms.validators import Email as EmailValidator

from .. import validators as v
from ..booking.forms import _free_text, _mobile, _name
from ..forms import ChineseForm
from .models import QuestionKind
from .services import PersonDetails

STUDENT_NUMBER_RE = re.compile(r"^[A-Za-z0-9]{6,20}$")


def _student_number(form, field):
    field.data = v.normalise_text(field.data).upper()
    if form.identity.data != "internal":
        field.data = ""
        return
    if not field.data:
        raise ValidationError("本校学生请填写学号。")
    if not STUDENT_NUMBER_RE.match(field.data):
        raise ValidationError("学号应为6–20位字母或数字。")


def _internal_only(label: str):
    def check(form, field):
        field.data = v.normalise_text(field.data)
        if form.identity.data != "internal":
            field.data = ""
            return
        if not field.data:
            raise ValidationError(f"本校学生请填写{label}。")
        error = v.name_error(field.data, label, 2, 50)
        if error:
            raise ValidationError(error)
    return check


def _organisation(form, field):
    field.data = v.normalise_text(field.data)
    if form.identity.data == "internal":
        field.data = ""
        return
    if not field.data:
        raise ValidationError("校外人员请填写学校或单位名称。")
    error = v.name_error(field.data, "学校或单位", 2, 50)
    if error:
        raise ValidationError(error)


class RegistrationForm(ChineseForm):
    name = StringField("姓名", validators=[DataRequired("请填写姓名。"), _name("姓名", 2, 30)])
    mobile = StringField("手机号", validators=[DataRequired("请填写手机号。"), _mobile])
    email = StringField("电子邮箱（选填，用于接收入场码和候补通知）", validators=[
        Optional(), EmailValidator("电子邮箱格式不正确。", check_deliverability=False)])
    identity = RadioField("身份", choices=[("internal", "本校学生"), ("external", "校外人员")],
                          default="internal", validators=[InputRequired("请选择身份。")])
    student_number = StringField("学号", validators=[_student_number])
    college = StringField("二级学院", validators=[_internal_only("二级学院")])
    class_name = StringField("班级", validators=[_internal_only("班级")])
    organisation = StringField("学校或单位", validators=[_organisation])
    privacy = BooleanField("我已阅读并同意《个人信息保护说明》",
                           validators=[DataRequired("请阅读并同意个人信息保护说明。")])

    def extra_fields(self):
        return [f for f in self if f.name.startswith("q") and f.name[1:].isdigit()]

    def details(self, answers: dict | None = None) -> PersonDetails:
        """The validated fields as the registration service takes them (``answers``: the
        stored answers to the event's extra questions)."""
        return PersonDetails(name=self.name.data, mobile=self.mobile.data,
                             email=(self.email.data or "").strip(),
                             student_number=self.student_number.data or "",
                             college=self.college.data or "", class_name=self.class_name.data or "",
                             organisation=self.organisation.data or "", answers=answers or {})


def registration_form_class(questions) -> type[RegistrationForm]:
    """RegistrationForm plus one field per extra question (q<id>); files are checked by the view's
    service call (type by content, size) — here only presence."""
    attrs = {}
    for q in questions:
        required = [DataRequired(f"请填写“{q.label}”。")] if q.required else [Optional()]
        if q.kind == QuestionKind.FILE:
            attrs[q.field_name] = FileField(q.label, description=q.help_text,
                                            validators=[_file_required(q)] if q.required else [])
        else:
            attrs[q.field_name] = StringField(q.label, description=q.help_text,
                                              validators=[*required, _free_text(q.label, 200)])
    return type("EventRegistrationForm", (RegistrationForm,), attrs)


def _file_required(question):
    def check(form, field):
        if not getattr(field.data, "filename", None):
            raise ValidationError(f"请上传“{question.label}”。")
    return check


class QuestionForm(ChineseForm):
    label = StringField("问题", validators=[DataRequired("请填写问题。"), _free_text("问题", 60)])
    kind = SelectField("类型", choices=[(k.value, k.label) for k in QuestionKind])
    required = BooleanField("必填")
    help_text = TextAreaField("说明（选填）", validators=[Optional(), _free_text("说明", 200)])
    file_types = StringField("允许的文件类型", default="pdf,doc,docx",
                             description="文件上传时有效：pdf、doc、docx，用逗号分隔")
    max_kb = IntegerField("文件大小上限（KB）", default=2048,
                          validators=[NumberRange(10, 8192, "文件大小上限应为10–8192KB。")])

    def validate_file_types(self, field):
        types = [t.strip().lower() for t in (field.data or "").replace("，", ",").split(",") if t.strip()]
        if not types or any(t not in ("pdf", "doc", "docx") for t in types):
            raise ValidationError("文件类型只能是 pdf、doc、docx。")
        field.data = ",".join(types)
