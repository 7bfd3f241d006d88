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
    db.session.flush()
    log_action("user.activate" if active else "user.deactivate", user, summary=user.username)


def reset_password(user: User, password: str) -> None:
    if len(password) < 8:
        raise DomainError("weak_password", "密码至少8位。", field="password")
    user.set_password(password)
    db.session.flush()
    log_action("user.reset_password", user, summary=user.username)
