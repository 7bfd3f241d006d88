from wtforms import BooleanField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, Regexp

from ..forms import ChineseForm, choice_id
from .models import Role


class LoginForm(ChineseForm):
    username = StringField("用户名", validators=[DataRequired("请输入用户名。"), Length(max=40)])
    password = PasswordField("密码", validators=[DataRequired("请输入密码。"), Length(max=200)])
    remember = BooleanField("在此设备上保持登录")


class UserForm(ChineseForm):
    """Create an account (admin page); the same rules as ``flask users create``."""

    username = StringField("用户名", validators=[
        DataRequired("请输入用户名。"), Length(max=40),
        Regexp(r"^[A-Za-z0-9_.-]+$", message="用户名只能包含字母、数字、下划线、点和连字符。")])
    display_name = StringField("姓名/显示名", validators=[Optional(), Length(max=40)])
    role = SelectField("角色", choices=[(r.value, r.label) for r in Role])
    password = PasswordField("初始密码", validators=[DataRequired("请输入密码。"),
                                                  Length(min=8, max=200, message="密码至少8位。")])
    department_id = SelectField("所属部门（部门填报员）", coerce=choice_id, validate_choice=False)
    venue_ids = SelectMultipleField("负责场馆（入口核验员）", coerce=choice_id, validate_choice=False)


class UserEditForm(ChineseForm):
    display_name = StringField("姓名/显示名", validators=[Optional(), Length(max=40)])
    role = SelectField("角色", choices=[(r.value, r.label) for r in Role])
    department_id = SelectField("所属部门（部门填报员）", coerce=choice_id, validate_choice=False)
    venue_ids = SelectMultipleField("负责场馆（入口核验员）", coerce=choice_id, validate_choice=False)


class PasswordResetForm(ChineseForm):
    password = PasswordField("新密码", validators=[DataRequired("请输入密码。"),
                                                Length(min=8, max=200, message="密码至少8位。")])


class PasswordChangeForm(ChineseForm):
    """修改密码 (one's own): the current password, then the new one twice."""

    current_password = PasswordField("当前密码", validators=[DataRequired("请输入当前密码。"),
                                                         Length(max=200)])
    password = PasswordField("新密码", validators=[DataRequired("请输入新密码。"),
                                                Length(min=8, max=200, message="密码至少8位。")])
    confirm = PasswordField("再次输入新密码", validators=[
        DataRequired("请再次输入新密码。"), EqualTo("password", message="两次输入的新密码不一致。")])
