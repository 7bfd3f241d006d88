"""Demo step: one account per role, printed at `make run` (username and password).

Passwords are derived from this installation's SECRET_KEY, so they are stable across runs (the
step is idempotent and can print them again) but differ between installations.
"""
import hashlib
import hmac

import sqlalchemy as sa
from flask import current_app

from ..accounts.models import Role, User
from ..accounts.services import create_user
from ..extensions import db
from ..programme.models import Department, Venue
from .context import DemoContext

ACCOUNTS = (
    ("admin", Role.ADMIN, "系统管理员"),
    ("organizer", Role.ORGANIZER, "宣传统战部"),
    ("reporter", Role.REPORTER, "部门填报员"),
    ("gate", Role.GATE, "入口核验员"),
    ("security", Role.SECURITY, "保卫处"),
)


def demo_password(username: str) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode()
    digest = hmac.new(key, f"demo account {username}".encode(), hashlib.sha256).hexdigest()
    return f"demo-{digest[:10]}"


def seed(ctx: DemoContext) -> None:
    department = db.session.scalar(sa.select(Department).order_by(Department.id))
    if department is None:
        department = Department(name="宣传统战部", kind="office")
        db.session.add(department)
        db.session.flush()
    venues = db.session.scalars(sa.select(Venue.name).where(Venue.is_active.is_(True))
                                .order_by(Venue.id)).all()
    ctx.messages.append("演示账号（登录：/login）：")
    for username, role, label in ACCOUNTS:
        password = demo_password(username)
        user = db.session.scalar(sa.select(User).where(User.username == username))
        if user is None:
            create_user(username, password, role, display_name=label,
                        department=department.name if role == Role.REPORTER else None,
                        venues=list(venues) if role == Role.GATE else [])
        elif role == Role.GATE:
            # Venues added by a later demo run are assigned too.
            user.venues = list(db.session.scalars(sa.select(Venue).where(Venue.is_active.is_(True))))
        ctx.messages.append(f"  {role.label:<6} 用户名 {username:<10} 密码 {password}")
