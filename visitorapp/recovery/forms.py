"""The recovery form: the mobile, and the reference or the e-mail given when signing up."""
from wtforms import StringField, ValidationError
from wtforms.validators import DataRequired, Length, Optional
from wtforms.validators import Email as EmailValidator

from .. import validators as v
from ..booking.forms import _mobile
from ..forms import ChineseForm


def _reference(form, field):
    field.data = v.match_key(field.data).upper()
    if field.data and not v.REFERENCE_RE.match(field.data):
        raise ValidationError("预约号/报名号格式不正确，应如 TY-0513-4K7Q 或 BM-0513-4K7Q。")


class RecoveryForm(ChineseForm):
    mobile = StringField("手机号（预约/报名时填写的）", validators=[
        DataRequired("请填写预约或报名时填写的手机号。"), _mobile])
    reference = StringField("预约号或报名号", validators=[Optional(), Length(max=30), _reference],
                            description="如 TY-0513-4K7Q（团体预约）或 BM-0513-4K7Q（个人报名）")
    email = StringField("或：预约/报名时填写的电子邮箱", validators=[
        Optional(), Length(max=120, message="电子邮箱不能超过120个字符。"),
        EmailValidator("电子邮箱格式不正确。", check_deliverability=False)])

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        self.email.data = (self.email.data or "").strip()
        if not self.reference.data and not self.email.data:
            self.reference.errors.append("请填写预约号/报名号，或预约/报名时填写的电子邮箱。")
            return False
        return True
