"""The organizers' form for the parents' letter template."""
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired

from ..console.forms import _free_text
from ..forms import ChineseForm


class LetterTemplateForm(ChineseForm):
    title = StringField("标题", validators=[DataRequired("请填写标题。"), _free_text("标题", 60)])
    body = TextAreaField("正文", validators=[DataRequired("请填写正文。"), _free_text("正文", 1500)])
    safety = TextAreaField("安全须知（每行一条）", validators=[DataRequired("请填写安全须知。"),
                                                     _free_text("安全须知", 1000)])
    contact = TextAreaField("联系方式", validators=[DataRequired("请填写联系方式。"),
                                                _free_text("联系方式", 300)])
    return_slip = TextAreaField("回执", validators=[DataRequired("请填写回执。"),
                                                  _free_text("回执", 500)])
