"""Uploaded files and instance files: owner-only on disk, and gone when nothing refers to them."""
import io
import os
import stat
import time

import pytest
import sqlalchemy as sa

from tests.factories import create_department, create_edition, create_user
from tests.registration.helpers import create_individual_slot
from tests.registration.test_views import PDF, cv_question, form
from tests.submissions.test_submissions import png_bytes
from visitorapp import create_app
from visitorapp.accounts.models import Role
from visitorapp.registration.models import Registration
from visitorapp.submissions.models import Submission, SubmissionImage


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def files_in(app, folder) -> list[str]:
    path = os.path.join(app.instance_path, "uploads", folder)
    return sorted(os.listdir(path)) if os.path.isdir(path) else []


@pytest.fixture
def reporter_draft(app, client, db, login):
    """A reporter signed in, with a 典型案例 draft open; returns its edit URL."""
    create_edition()
    college = create_department("化学工程学院")
    login(create_user(role=Role.REPORTER, department=college))
    response = client.post(f"/submissions/departments/{college.id}/new/case")
    assert response.status_code == 302
    return response.location


def add_image(client, url, **data):
    return client.post(url, data={"title": "校企合作案例", "body": "正文", "save": "保存草稿",
                                  "image": (io.BytesIO(png_bytes()), "现场.png"), **data},
                       content_type="multipart/form-data")


def test_a_deleted_image_leaves_the_disk(app, client, db, reporter_draft):
    assert add_image(client, reporter_draft).status_code == 302
    [name] = files_in(app, "submissions")
    image = db.session.scalar(sa.select(SubmissionImage))
    assert image.stored_name == name
    response = client.post(f"/submissions/images/{image.id}/delete")
    assert response.status_code == 302
    assert files_in(app, "submissions") == []


def test_a_refused_save_keeps_no_image_file(app, client, db, reporter_draft):
    response = add_image(client, reporter_draft, body="字" * 2001)  # over the 2000 limit
    assert response.status_code == 422 and "不能超过2000字" in response.get_data(as_text=True)
    assert files_in(app, "submissions") == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SubmissionImage)) == 0


def test_a_refused_registration_keeps_no_cv(app, client, db):
    slot = create_individual_slot(capacity=2)
    q = cv_question(slot)
    db.session.commit()
    ok = client.post(f"/r/{slot.id}", content_type="multipart/form-data",
                     data=form(**{q.field_name: (io.BytesIO(PDF), "简历.pdf")}))
    assert ok.status_code == 302 and len(files_in(app, "cv")) == 1
    again = client.post(f"/r/{slot.id}", content_type="multipart/form-data",  # same person again
                        data=form(**{q.field_name: (io.BytesIO(PDF), "简历.pdf")}))
    assert again.status_code == 422
    assert len(files_in(app, "cv")) == 1


def test_prune_removes_only_old_files_nothing_refers_to(app, client, db, reporter_draft, runner):
    assert add_image(client, reporter_draft).status_code == 302
    slot = create_individual_slot(capacity=2)
    q = cv_question(slot)
    db.session.commit()
    assert client.post(f"/r/{slot.id}", content_type="multipart/form-data",
                       data=form(**{q.field_name: (io.BytesIO(PDF), "简历.pdf")})).status_code == 302
    kept = {"cv": files_in(app, "cv"), "submissions": files_in(app, "submissions")}
    old, young = ("cv", "0ld0rphan.pdf"), ("submissions", "y0ungorphan.png")
    for folder, name in (old, young):
        path = os.path.join(app.instance_path, "uploads", folder, name)
        with open(path, "wb") as f:
            f.write(b"left behind by a crash")
    # Ages by the app's clock (time.time() follows a pinned VISITORAPP_TEST_NOW; file systems do not).
    for (folder, name), age in ((old, 2 * 3600), (young, 60)):
        stamp = time.time() - age
        os.utime(os.path.join(app.instance_path, "uploads", folder, name), (stamp, stamp))
    dry = runner.invoke(args=["uploads", "prune", "--dry-run"])
    assert dry.exit_code == 0 and "would remove cv/0ld0rphan.pdf" in dry.output
    assert "0ld0rphan.pdf" in files_in(app, "cv")
    result = runner.invoke(args=["uploads", "prune"])
    assert result.exit_code == 0 and "已删除无主上传文件 1 个" in result.output
    assert files_in(app, "cv") == kept["cv"]  # the registration's CV stays, the orphan went
    assert files_in(app, "submissions") == sorted(kept["submissions"] + ["y0ungorphan.png"])
    # Once a deleted image's row is gone, its file is an orphan too (here: deleted behind the app).
    db.session.execute(sa.delete(SubmissionImage))
    db.session.commit()
    everything = runner.invoke(args=["uploads", "prune", "--grace-hours", "0"])
    assert everything.exit_code == 0 and files_in(app, "submissions") == []
    assert files_in(app, "cv") == kept["cv"]
    registration = db.session.scalar(sa.select(Registration))
    assert registration.answers[q.field_name]["stored_name"] == kept["cv"][0]
    assert db.session.scalar(sa.select(Submission)) is not None


def test_instance_files_are_the_owners_only(app_config, tmp_path, client, db):
    old_umask = os.umask(0)  # gunicorn's default: nothing masked
    try:
        instance = tmp_path / "fresh-instance"
        config = {**app_config, "INSTANCE_PATH": str(instance),
                  "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance}/visitorapp.sqlite3"}
        config.pop("SECRET_KEY")
        fresh = create_app(config)
        with fresh.app_context():
            from visitorapp.extensions import db as fresh_db
            fresh_db.create_all()
            slot = create_individual_slot(capacity=2)
            q = cv_question(slot)
            fresh_db.session.commit()
            response = fresh.test_client().post(
                f"/r/{slot.id}", content_type="multipart/form-data",
                data=form(**{q.field_name: (io.BytesIO(PDF), "简历.pdf")}))
            assert response.status_code == 302
            fresh_db.session.remove()
            fresh_db.engine.dispose()
    finally:
        os.umask(old_umask)
    assert mode(instance) == 0o700
    assert mode(instance / "secret_key") == 0o600
    for name in os.listdir(instance):
        if name.startswith("visitorapp.sqlite3"):  # the database and its -wal/-shm files
            assert mode(instance / name) == 0o600, name
    assert mode(instance / "uploads") == 0o700 and mode(instance / "uploads" / "cv") == 0o700
    [cv] = os.listdir(instance / "uploads" / "cv")
    assert mode(instance / "uploads" / "cv" / cv) == 0o600


def test_an_existing_world_readable_database_is_tightened_at_start(app_config, tmp_path):
    path = tmp_path / "old.sqlite3"
    path.write_bytes(b"")
    os.chmod(path, 0o644)
    create_app({**app_config, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
                "INSTANCE_PATH": str(tmp_path / "i")})
    assert mode(path) == 0o600

