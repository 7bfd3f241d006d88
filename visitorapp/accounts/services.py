"""Account operations shared by the admin pages and ``flask users``."""
import sqlalchemy as sa

from ..audit.models import log_action
from ..errors import DomainError
from ..extensions import db
from ..programme.models import Department, Venue
from ..timeutil import utcnow
from .models import Role, User


def authenticate(username: str, password: str) -> User | None:
    user = db.session.scalar(sa.select(User).where(User.username == username.strip()))
    if user is None or not user.check_password(password) or not user.active:
        return None
    user.last_login_at = utcnow()
    return user


def create_user(username: str, password: str, role: Role | str, *, display_name: str = "",
                department: str | None = None, venues: list[str] = ()) -> User:
    role = Role(role)
    if len(password) < 8:
        raise DomainError("weak_password", "密码至少8位。", field="password")
    if db.session.scalar(sa.select(User).where(User.username == username)):
        raise DomainError("username_taken", f"用户名 {username} 已存在。", field="username")
    user = User(username=username, role=role, display_name=display_name or username)
    user.set_password(password)
    if department:
        user.department = _one(Department, department, "部门")
    if role == Role.REPORTER and user.department is None:
        raise DomainError("department_required", "部门填报员必须指定所属部门。", field="department")
    user.venues = [_one(Venue, name, "场馆") for name in venues]
    db.session.add(user)
    db.session.flush()
    log_action("user.create", user, summary=f"{username} ({role.label})")
    return user


def _one(model, name: str, label: str):
    obj = db.session.scalar(sa.select(model).where(model.name == name))
    if obj is None:
        raise DomainError("not_found", f"{label}“{name}”不存在。")
    return obj
