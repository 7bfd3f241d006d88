"""Department submissions: limits, images checked by content, drafts, overview and ZIP."""
import io
import zipfile

import pytest
import sqlalchemy as sa
from PIL import Image

from tests.factories import create_department, create_edition, create_user
from visitorapp.accounts.models import Role
from visitorapp.submissions.models import Submission, SubmissionKind, SubmissionStatus


def png_bytes(size=(40, 30)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def college(db):
    create_edition()
    return create_department("化学工程学院")


@pytest.fixture
def reporter(college, login):
    user = create_user(role=Role.REPORTER, department=college)
    login(user)
    return user


def start(client, college, kind):
    response = client.post(f"/submissions/departments/{college.id}/new/{kind}")
    assert response.status_code == 302
    return response.location


def test_reporter_lands_on_their_own_department(client, college, reporter):
    response = client.get("/submissions/")
    assert response.status_code == 302 and response.location.endswith(f"/departments/{college.id}")
    page = client.get(response.location).get_data(as_text=True)
    assert "教授一分钟说专业" in page and "典型案例" in page and "宣传材料" in page


def test_reporter_cannot_open_another_department(client, db, reporter):
    other = create_department("制药学院")
    db.session.commit()
    assert client.get(f"/submissions/departments/{other.id}").status_code == 403
    assert client.get("/submissions/overview").status_code == 403


def test_intro_of_201_characters_is_refused_with_a_clear_message(client, db, college, reporter):
    url = start(client, college, "major_intro")
    response = client.post(url, data={"title": "应用化工技术", "body": "化" * 201,
                                      "video_url": "https://v.example.cn/1", "submit": "提交"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "教授一分钟说专业正文不能超过200字" in page and "当前201字" in page
    submission = db.session.scalar(sa.select(Submission))
    db.session.refresh(submission)
    assert submission.body == "" and submission.status == SubmissionStatus.DRAFT
    # 200 characters plus spaces and line breaks (not counted) are accepted.
    response = client.post(url, data={"title": "应用化工技术", "body": "化" * 100 + " \n" + "工" * 100,
                                      "video_url": "https://v.example.cn/1", "submit": "提交"})
    assert response.status_code == 302
    db.session.refresh(submission)
    assert submission.status == SubmissionStatus.SUBMITTED


def test_intro_needs_a_video_link_to_submit_but_a_draft_does_not(client, db, college, reporter):
    url = start(client, college, "major_intro")
    response = client.post(url, data={"title": "应用化工技术", "body": "一分钟说专业", "save": "保存草稿"})
    assert response.status_code == 302
    response = client.post(url, data={"title": "应用化工技术", "body": "一分钟说专业", "submit": "提交"})
    assert response.status_code == 422 and "视频链接" in response.get_data(as_text=True)
    response = client.post(url, data={"title": "x", "body": "y", "video_url": "javascript:alert(1)",
                                      "save": "保存草稿"})
    assert response.status_code == 422 and "http://" in response.get_data(as_text=True)


def test_a_non_image_upload_is_refused(client, db, college, reporter, app):
    url = start(client, college, "case")
    response = client.post(url, data={"title": "校企合作案例", "body": "正文", "save": "保存草稿",
                                      "image": (io.BytesIO(b"<?php echo 1; ?>"), "photo.png")},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert "不是有效的图片" in response.get_data(as_text=True)
    submission = db.session.scalar(sa.select(Submission))
    db.session.refresh(submission)
    assert submission.images == [] and submission.title == ""


def test_an_oversized_image_is_refused(client, db, college, reporter, app):
    app.config["SUBMISSION_IMAGE_MAX_BYTES"] = 1024
    url = start(client, college, "case")
    response = client.post(url, data={"title": "案例", "body": "正文", "save": "保存草稿",
                                      "image": (io.BytesIO(png_bytes((400, 400)) + b"\0" * 2048), "big.png")},
                           content_type="multipart/form-data")
    assert response.status_code == 422 and "不能超过1KB" in response.get_data(as_text=True)


def test_case_needs_an_image_to_submit_and_2000_characters_at_most(client, db, college, reporter):
    url = start(client, college, "case")
    response = client.post(url, data={"title": "案例", "body": "字" * 2000, "submit": "提交"})
    assert response.status_code == 422 and "至少上传1张图片" in response.get_data(as_text=True)
    response = client.post(url, data={"title": "案例", "body": "字" * 2001, "save": "保存草稿"})
    assert response.status_code == 422 and "不能超过2000字" in response.get_data(as_text=True)
    response = client.post(url, data={"title": "案例", "body": "字" * 2000, "submit": "提交",
                                      "image": (io.BytesIO(png_bytes()), "现场.png")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    submission = db.session.scalar(sa.select(Submission))
    db.session.refresh(submission)
    assert submission.is_submitted and len(submission.images) == 1
    image = client.get(f"/submissions/images/{submission.images[0].id}")
    assert image.status_code == 200 and image.mimetype == "image/png"


def test_overview_shows_who_is_missing_and_the_zip_holds_texts_and_images(client, db, login, college):
    other = create_department("智能制造学院")
    organizer = create_user(role=Role.ORGANIZER)
    login(organizer)
    url = start(client, college, "publicity")
    refused = client.post(url, data={"title": "=1+1 宣传", "body": "一技在手 一生无忧", "submit": "提交",
                                     "image": (io.BytesIO(png_bytes()), "a.png")},
                          content_type="multipart/form-data")
    assert refused.status_code == 422 and "不能以 = + - @" in refused.get_data(as_text=True)
    client.post(url, data={"title": "化工学院活动周", "body": "一技在手 一生无忧", "submit": "提交",
                           "image": (io.BytesIO(png_bytes()), "b.png")}, content_type="multipart/form-data")
    page = client.get("/submissions/overview").get_data(as_text=True)
    assert "化学工程学院" in page and "智能制造学院" in page and "未提交" in page
    assert other.name in page
    response = client.get("/submissions/export.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.data)) as zf:
        names = zf.namelist()
        text = zf.read("化学工程学院/宣传材料1/正文.txt").decode("utf-8")
    assert "化工学院活动周" in text and "一技在手 一生无忧" in text
    assert any(n.startswith("化学工程学院/宣传材料1/图片") for n in names)
    submission = db.session.scalar(sa.select(Submission))
    assert SubmissionKind.PUBLICITY.due_on(submission.edition) == submission.edition.report_deadline
