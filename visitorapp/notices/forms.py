"""Notice forms: the organizer's notice (the one-tap move posts booking's MoveForm)."""
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired

from ..console.forms import _free_text
from ..forms import ChineseForm, choice_id
from .models import NoticeScope


class NoticeForm(ChineseForm):
    """变更通知: rain plan, changed entrance, a closure … to a slot, a venue's day or a day."""

    scope = RadioField("通知范围", choices=[SelectChoice(s.value, s.label) for s in NoticeScope],
                       default=NoticeScope.DAY.value, validators=[InputRequired("请选择通知范围。")])
    slot_id = SelectField("场次（单个场次时）", coerce=choice_id, choices=[], validate_choice=False)
    venue_id = SelectField("场馆（场馆当天时）", coerce=choice_id, choices=[], validate_choice=False)
    day = SelectField("日期（场馆当天、全天时）", choices=[], validate_choice=False)
    title = StringField("标题", validators=[DataRequired("请填写通知标题。"), _free_text("标题", 60)],
                        description="如：雨天方案、入口调整")
    body = TextAreaField("内容", validators=[DataRequired("请填写通知内容。"),
                                           _free_text("通知内容", 1000)])
