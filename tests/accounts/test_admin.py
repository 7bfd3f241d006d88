"""账号管理: only admins; create, edit venues, deactivate (sign-in refused), reset password."""
import pytest
import sqlalchemy as sa

from tests.factories import create_department, create_user, create_venue
from visitorapp.accounts.models import Role, User


@pytest.mark.parametrize("role", [Role.ORGANIZER, Role.GATE, Role.REPORTER])
def test_only_admins_manage_accounts(client, login, db, role):
    login(create_user(role, department=create_department() if role == Role.REPORTER else None))
    assert client.get("/accounts/users").status_code == 403
    assert client.post("/accounts/users", data={"username": "x"}).status_code == 403


def test_admin_creates_gate_account_with_venues(client, login, db):
    venue = create_venue(name="化工实训基地")
    login(create_user(Role.ADMIN))
    r = client.post("/accounts/users", data={
        "username": "gate-east", "display_name": "东门核验", "role": "gate",
        "password": "long-enough-1", "department_id": 0, "venue_ids": [venue.id]},
        follow_redirects=True)
    assert "已创建账号 gate-east" in r.get_data(as_text=True)
    user = db.session.scalar(sa.select(User).where(User.username == "gate-east"))
    assert [v.name for v in user.venues] == ["化工实训基地"] and user.check_password("long-enough-1")


@pytest.mark.parametrize("data,message", [
    ({"username": "a b", "role": "gate", "password": "long-enough-1"}, "用户名只能包含"),
    ({"username": "ok1", "role": "gate", "password": "short"}, "密码至少8位"),
    ({"username": "ok2", "role": "reporter", "password": "long-enough-1"}, "必须指定所属部门"),
    ({"username": "<script>", "role": "admin", "password": "long-enough-1"}, "用户名只能包含"),
])
def test_bad_account_input_is_refused_in_chinese(client, login, db, data, message):
    login(create_user(Role.ADMIN))
    before = db.session.scalar(sa.select(sa.func.count(User.id)))
    page = client.post("/accounts/users", data={"department_id": 0, **data}).get_data(as_text=True)
    assert message in page and "<script>" not in page.split("</h1>")[1].split("<table")[0]
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == before


def test_deactivated_account_cannot_sign_in_and_password_reset(client, login, db):
    admin = create_user(Role.ADMIN)
    gate = create_user(Role.GATE, venues=[create_venue()])
    login(admin)
    client.post(f"/accounts/users/{gate.id}/deactivate")
    client.post("/logout")
    r = client.post("/login", data={"username": gate.username, "password": "correct-horse-9"})
    assert r.status_code == 200 and "已停用" in r.get_data(as_text=True)
    login(admin)
    client.post(f"/accounts/users/{gate.id}/activate")
    client.post(f"/accounts/users/{gate.id}/password", data={"pw-password": "new-password-9"})
    client.post("/logout")
    assert client.post("/login", data={"username": gate.username,
                                        "password": "new-password-9"}).status_code == 302


def test_admin_cannot_deactivate_self(client, login, db):
    admin = create_user(Role.ADMIN)
    login(admin)
    page = client.post(f"/accounts/users/{admin.id}/deactivate", follow_redirects=True)
    assert "不能停用自己的账号" in page.get_data(as_text=True)
    db.session.refresh(admin)
    assert admin.active


def test_admin_reassigns_venues(client, login, db):
    a, b = create_venue(name="甲馆"), create_venue(name="乙馆")
    gate = create_user(Role.GATE, venues=[a])
    login(create_user(Role.ADMIN))
    assert "甲馆" in client.get(f"/accounts/users/{gate.id}").get_data(as_text=True)
    client.post(f"/accounts/users/{gate.id}", data={"role": "gate", "department_id": 0,
                                                     "venue_ids": [b.id], "display_name": "核验员"})
    db.session.refresh(gate)
    assert [v.name for v in gate.venues] == ["乙馆"]
