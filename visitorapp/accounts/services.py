"""Account operations shared by the admin pages and ``flask users``."""
from datetime import datetime, timedelta

import sqlalchemy as sa

from ..audit.models import log_action
from ..errors import DomainError
from ..extensions import db
from ..programme.models import Department, Venue
from ..validators import MAX_ID
from .models import Role, User


def authenticate(username: str, password: str, now: datetime) -> User | None:
    """The active account with this name and password, its sign-in starting ``now``; else None.

    An unknown name costs the same password-hash check as a known one.
    """
    user = db.session.scalar(sa.select(User).where(User.username == username.strip()))
    if user is None:
        User.check_decoy_password(password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    user.last_login_at = now
    user.start_session(now)
    return user


def user_for_session(session_id: str, now: datetime, max_age: timedelta) -> User | None:
    """The user a session or remember cookie names (``User.get_id``), if it is still valid:
    same session version (no sign-out, password change or deactivation since), active, and
    signed in less than ``max_age`` ago."""
    try:
        user_id, version, signed_in_at = (int(part) for part in session_id.split(":"))
    except ValueError:  # an id from before session versions, or garbage
        return None
    age = now.timestamp() - signed_in_at
    if not 0 < user_id <= MAX_ID or not -60 <= age <= max_age.total_seconds():
        return None
    user = db.session.get(User, user_id)
    if user is None or user.session_version != version or not user.active:
        return None
    user.signed_in_at = signed_in_at
    return user


def sign_out_everywhere(user: User) -> None:
    """Sign-out: this session and every other one of the account, remember cookies included."""
    user.end_sessions()
    db.session.flush()


def change_password(user: User, current: str, new: str, now: datetime) -> None:
    """The holder changes their own password; every other session of theirs ends."""
    if not user.check_password(current):
        raise DomainError("wrong_password", "当前密码不正确。", field="current_password")
    _set_password(user, new)
    user.start_session(now)  # the caller signs this browser in again with the new session id
    db.session.flush()
    log_action("user.change_password", user, summary=user.username)


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


def update_user(user: User, *, role: Role | str, display_name: str = "",
                department_id: int | None = None, venue_ids: list[int] = (),
                acting: User | None = None) -> User:
    """Change an account's role, department (reporters) and venues (gate staff)."""
    role = Role(role)
    if acting is not None and acting.id == user.id and role != Role.ADMIN:
        raise DomainError("self_demote", "不能取消自己的管理员角色。", field="role")
    before = {"role": user.role.value, "department_id": user.department_id,
              "venues": ",".join(str(v.id) for v in user.venues)}
    department = db.session.get(Department, department_id) if department_id else None
    if role == Role.REPORTER and department is None:
        raise DomainError("department_required", "部门填报员必须指定所属部门。", field="department_id")
    venues = list(db.session.scalars(sa.select(Venue).where(Venue.id.in_(venue_ids or [-1]))))
    if role == Role.GATE and not venues:
        raise DomainError("venue_required", "入口核验员至少分配一个场馆。", field="venue_ids")
    user.role = role
    user.display_name = display_name or user.display_name or user.username
    user.department = department
    user.venues = venues if role == Role.GATE else []
    db.session.flush()
    log_action("user.update", user, before=before,
               after={"role": role.value, "department_id": user.department_id,
                      "venues": ",".join(str(v.id) for v in user.venues)},
               summary=user.username)
    return user


def set_active(user: User, active: bool, *, acting: User | None = None) -> None:
    """Deactivate (sign-in refused at once) or reactivate an account; never one's own."""
    if acting is not None and acting.id == user.id and not active:
        raise DomainError("self_deactivate", "不能停用自己的账号。")
    user.active = active
    if not active:
        user.end_sessions()
    db.session.flush()
    log_action("user.activate" if active else "user.deactivate", user, summary=user.username)


def reset_password(user: User, password: str) -> None:
    """An admin sets a new password: every session of the account ends (a lost phone, a
    colleague who left)."""
    _set_password(user, password)
    db.session.flush()
    log_action("user.reset_password", user, summary=user.username)


def _set_password(user: User, password: str) -> None:
    if len(password) < 8:
        raise DomainError("weak_password", "密码至少8位。", field="password")
    user.set_password(password)
    user.end_sessions()
