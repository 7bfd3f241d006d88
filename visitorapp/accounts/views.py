"""Staff sign-in, sign-out and one's own password.

A session (and a remember cookie) names the user, their session version and when the sign-in
began (``User.get_id``): signing out, changing or resetting the password and deactivation raise
the version, so every copy of every cookie of that account stops working at once, and no sign-in
outlives REMEMBER_COOKIE_DURATION.
"""
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from .. import ratelimits
from ..database import atomic
from ..errors import DomainError, wants_json
from ..extensions import db, login_manager
from ..timeutil import utcnow
from . import services
from .forms import LoginForm, PasswordChangeForm
from .models import Role, User

bp = Blueprint("accounts", __name__)


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    return services.user_for_session(session_id, utcnow(),
                                     current_app.config["REMEMBER_COOKIE_DURATION"])


def home_for(user: User) -> str:
    """Where a role lands after signing in."""
    endpoints = {Role.GATE: "checkin.gate", Role.REPORTER: "reports.department_home",
                 Role.SECURITY: "vehicles.day_list"}
    return url_for(endpoints.get(user.role, "console.dashboard"))


@bp.route("/login", methods=["GET", "POST"])
@ratelimits.login
def login():
    """Sign-in page for staff (organizers, reporters, gate staff, admins)."""
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.username.data, form.password.data, utcnow())
        if user is None:
            db.session.rollback()
            ratelimits.record_failed_login()
            flash("用户名或密码错误，或账号已停用。", "error")
        else:
            db.session.commit()
            login_user(user, remember=form.remember.data)
            target = request.args.get("next", "")
            if not _is_local(target):
                target = home_for(user)
            return redirect(target)
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    """Sign out here and on every other device of this account (POST with CSRF, so a link
    elsewhere cannot sign staff out)."""
    atomic(services.sign_out_everywhere, current_user._get_current_object())
    logout_user()
    flash("已退出登录（此账号在其他设备上的登录也已同时退出）。", "info")
    return redirect(url_for("accounts.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    """修改密码: one's own password; every other device signed in as this account is signed out."""
    form = PasswordChangeForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        remember = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies
        try:
            atomic(services.change_password, user, form.current_password.data,
                   form.password.data, utcnow())
        except DomainError as exc:
            getattr(form, exc.field or "password").errors.append(exc.message)
        else:
            login_user(user, remember=remember)  # this browser stays signed in, with the new id
            flash("密码已修改，此账号在其他设备上的登录已全部退出。", "success")
            return redirect(home_for(user))
    return render_template("accounts/password.html", form=form), 422 if form.errors else 200


def _is_local(target: str) -> bool:
    parts = urlsplit(target)
    return bool(target) and not parts.scheme and not parts.netloc and target.startswith("/")


@login_manager.unauthorized_handler
def unauthorized():
    if wants_json():
        abort(401)
    flash("请先登录。", "info")
    return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))


def init_app(app):
    from . import admin  # noqa: F401 - registers the account pages on bp
    from .cli import users
    app.register_blueprint(bp)
    app.cli.add_command(users)
    login_manager.init_app(app)
