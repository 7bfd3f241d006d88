"""The submission form: title, text, video link (教授一分钟说专业), one image per save."""
from flask_wtf.file import FileField
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import URL, Optional, ValidationError

from .. import validators as v
from ..forms import ChineseForm


def _title(form, field):
    field.data = v.normalise_text(field.data)
    if len(field.data) > 100:
        raise ValidationError(f"标题不能超过100字（当前{len(field.data)}字）。")
    if field.data.startswith(v.FORMULA_PREFIXES) or v.CONTROL_RE.search(field.data):
        raise ValidationError("标题不能以 = + - @ 等符号开头，也不能包含控制字符。")


def _body(form, field):
    field.data = (field.data or "").replace("\r\n", "\n").strip()
    if v.CONTROL_RE.search(field.data):
        raise ValidationError("正文包含无法识别的字符，请删除后重试。")


class SubmissionForm(ChineseForm):
    title = StringField("标题", validators=[_title])
    body = TextAreaField("正文", validators=[_body])
    video_url = StringField("视频链接", validators=[
        Optional(), URL(require_tld=False, message="请填写以 http:// 或 https:// 开头的视频链接。")])
    image = FileField("上传图片（JPG/PNG/GIF/WebP，单张不超过5MB）")
    save = SubmitField("保存草稿")
    submit = SubmitField("提交")

    def validate_video_url(self, field):
        field.data = (field.data or "").strip()
        if field.data and not field.data.lower().startswith(("http://", "https://")):
            raise ValidationError("请填写以 http:// 或 https:// 开头的视频链接。")
