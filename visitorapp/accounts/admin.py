"""账号管理 (admin only): list, create, edit role/venues/department, deactivate, reset password."""
import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from ..database import atomic
from ..errors import DomainError
from ..extensions import db
from ..forms import ActionForm
from ..programme.models import Department, Venue
from . import services
from .access import roles_required
from .forms import PasswordResetForm, UserEditForm, UserForm
from .models import User
from .views import bp


def _choices(form) -> None:
    form.department_id.choices = [(0, "（无）")] + [
        (d.id, d.name) for d in db.session.scalars(sa.select(Department).order_by(Department.id))]
    form.venue_ids.choices = [
        (v.id, v.name) for v in db.session.scalars(sa.select(Venue).order_by(Venue.id))]


@bp.route("/accounts/users", methods=["GET", "POST"])
@roles_required()
def users():
    """All staff accounts and a form to create one."""
    form = UserForm()
    _choices(form)
    if form.validate_on_submit():
        department = db.session.get(Department, form.department_id.data or 0)
        venues = db.session.scalars(sa.select(Venue.name).where(
            Venue.id.in_(form.venue_ids.data or [-1]))).all()
        try:
            user = atomic(services.create_user, form.username.data.strip(), form.password.data,
                          form.role.data, display_name=form.display_name.data or "",
                          department=department.name if department else None, venues=venues)
        except DomainError as exc:
            getattr(form, exc.field or "username", form.username).errors.append(exc.message)
        else:
            flash(f"已创建账号 {user.username}（{user.role.label}）。", "success")
            return redirect(url_for("accounts.users"))
    rows = db.session.scalars(sa.select(User).order_by(User.role, User.username)).all()
    return render_template("accounts/users.html", form=form, rows=rows, action_form=ActionForm())


@bp.route("/accounts/users/<int:user_id>", methods=["GET", "POST"])
@roles_required()
def user_edit(user_id: int):
    """Change one account: role, venues, department; reset its password; (de)activate it."""
    user = db.get_or_404(User, user_id)
    form = UserEditForm(obj=user if not UserEditForm().is_submitted() else None)
    _choices(form)
    if not form.is_submitted():
        form.role.data = user.role.value
        form.department_id.data = user.department_id or 0
        form.venue_ids.data = [v.id for v in user.venues]
    if form.validate_on_submit():
        try:
            atomic(services.update_user, user, role=form.role.data,
                   display_name=form.display_name.data or "",
                   department_id=form.department_id.data or None,
                   venue_ids=form.venue_ids.data or [], acting=current_user)
        except DomainError as exc:
            getattr(form, exc.field or "role", form.role).errors.append(exc.message)
        else:
            flash(f"已保存账号 {user.username}。", "success")
            return redirect(url_for("accounts.users"))
    return render_template("accounts/user_edit.html", user=user, form=form,
                           password_form=PasswordResetForm(prefix="pw"), action_form=ActionForm())


@bp.post("/accounts/users/<int:user_id>/password")
@roles_required()
def user_password(user_id: int):
    user = db.get_or_404(User, user_id)
    form = PasswordResetForm(prefix="pw")
    if not form.validate_on_submit():
        flash(form.password.errors[0] if form.password.errors else "请求有误。", "error")
        return redirect(url_for("accounts.user_edit", user_id=user.id))
    atomic(services.reset_password, user, form.password.data)
    flash(f"已重置 {user.username} 的密码。", "success")
    return redirect(url_for("accounts.users"))


@bp.post("/accounts/users/<int:user_id>/<any(activate, deactivate):action>")
@roles_required()
def user_active(user_id: int, action: str):
    if not ActionForm().validate_on_submit():
        abort(400)
    user = db.get_or_404(User, user_id)
    try:
        atomic(services.set_active, user, action == "activate", acting=current_user)
    except DomainError as exc:
        flash(exc.message, "error")
    else:
        flash(f"账号 {user.username} 已{'启用' if action == 'activate' else '停用'}。", "success")
    return redirect(url_for("accounts.users"))
