"""Staff sign-in and sign-out."""
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import login_required, login_user, logout_user

from ..errors import wants_json
from ..extensions import db, limiter, login_manager
from . import services
from .forms import LoginForm
from .models import Role, User

bp = Blueprint("accounts", __name__)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id))


def home_for(user: User) -> str:
    """Where a role lands after signing in."""
    endpoints = {Role.GATE: "checkin.gate", Role.REPORTER: "reports.department_home"}
    endpoint = endpoints.get(user.role, "console.dashboard")
    if endpoint not in current_app.view_functions:
        endpoint = "programme.index"
    return url_for(endpoint)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"], methods=["POST"])
def login():
    """Sign-in page for staff (organizers, reporters, gate staff, admins)."""
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.username.data, form.password.data)
        if user is None:
            db.session.rollback()
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
    """Sign out (POST with CSRF, so a link elsewhere cannot sign staff out)."""
    logout_user()
    flash("已退出登录。", "info")
    return redirect(url_for("accounts.login"))


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
