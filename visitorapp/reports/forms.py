"""Forms of the reports: export filters (GET), a department's entry, deadline and column titles."""
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from ..booking.models import STAGE_LABELS
from ..forms import ChineseForm
from ..validators import CONTROL_RE, day_error
from .exports import STATUS_LABELS


def _optional_int(value):
    return int(value) if value not in (None, "", "None") else None


def _day_in_range(form, field):
    problem = day_error(field.data) if field.data else None
    if problem:
        raise ValidationError(problem)


class ExportFilterForm(ChineseForm):
    """Read from the query string: which bookings an export or the roster covers."""

    class Meta:
        csrf = False

    edition = SelectField("年度", coerce=int)
    day = DateField("日期", validators=[Optional(), _day_in_range])
    venue = SelectField("场馆", coerce=_optional_int, validate_choice=True)
    event = SelectField("活动", coerce=_optional_int, validate_choice=True)
    status = SelectField("状态", choices=[("", "全部（不含已取消）")] + list(STATUS_LABELS.items()),
                         validators=[Optional()])
    stage = SelectField("学段", choices=[("", "全部")] + list(STAGE_LABELS.items()),
                        validators=[Optional()])
    full_mobile = BooleanField("包含完整手机号（将记入操作日志）")


def _count(label):
    """A count the department may leave empty: empty stays blank in 附件1, 0 means none."""
    return IntegerField(label, validators=[
        Optional(), NumberRange(min=0, max=100_000_000, message=f"{label}应为0或正整数。")])


def _plain_text(form, field):
    if field.data and CONTROL_RE.search(field.data):
        raise ValidationError(f"{field.label.text}包含无法识别的字符，请删除后重试。")


class EntryForm(ChineseForm):
    """The figures no scanner sees, for one activity (校内参与, 媒体报道, 浏览量, 材料)."""

    internal_teachers = _count("校内参与教师（人）")
    internal_students = _count("校内参与学生（人）")
    media_national = _count("国家级媒体报道（篇）")
    media_provincial = _count("省级媒体报道（篇）")
    media_city = _count("市级媒体报道（篇）")
    media_school = _count("校级媒体报道（篇）")
    online_views = _count("网络浏览量（次）")
    links = TextAreaField("图片/链接（每行一个）", validators=[Length(max=4000), _plain_text])
    highlights = TextAreaField("活动亮点", validators=[Length(max=2000), _plain_text])
    typical_case = TextAreaField("典型案例", validators=[Length(max=4000), _plain_text])

    def values(self) -> dict:
        return {name: (f.data.strip() if isinstance(f.data, str) else f.data)
                for name, f in self._fields.items() if name != "csrf_token"}


class DeadlineForm(ChineseForm):
    report_deadline = DateField("报表截止日期", validators=[DataRequired(message="请选择日期。")])
    accept_late_submissions = BooleanField("截止后仍接收典型案例、宣传材料等提交（标记为逾期）")


def titles_form(titles: dict[str, str], defaults: dict[str, str]):
    """A form with one field per column title (fields are made from the layout)."""

    class TitlesForm(ChineseForm):
        pass

    for key, default in defaults.items():
        setattr(TitlesForm, key, StringField(default, default=titles.get(key, default),
                                             validators=[Length(max=60), _plain_text]))
    return TitlesForm()
