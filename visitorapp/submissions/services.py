"""Submission operations: drafts, images, submit, the overview and the ZIP of everything.

Characters are counted as the 宣传统战部 counts them: every character except spaces and line
breaks (``static/js/charcount.js`` counts the same way, so the live counter and the server agree).
"""
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask import current_app

from ..audit.models import log_action
from ..errors import DomainError, NotFound
from ..extensions import db
from ..programme.models import Department, Edition
from ..registration import uploads
from ..timeutil import local
from .models import Submission, SubmissionImage, SubmissionKind, SubmissionStatus

WHITESPACE = re.compile(r"\s+")
#: Images per submission (a case with more pictures sends the best ones).
MAX_IMAGES = 9


class SubmissionError(DomainError):
    status = 422


def character_count(text: str) -> int:
    return len(WHITESPACE.sub("", text or ""))


def start(edition: Edition, department: Department, kind: SubmissionKind, actor: str) -> Submission:
    """A new draft; 教授一分钟说专业 is one per department, so its existing one is returned."""
    if kind == SubmissionKind.MAJOR_INTRO:
        existing = db.session.scalar(sa.select(Submission).where(
            Submission.edition_id == edition.id, Submission.department_id == department.id,
            Submission.kind == kind))
        if existing is not None:
            return existing
    submission = Submission(edition=edition, department=department, kind=kind, updated_by=actor)
    db.session.add(submission)
    db.session.flush()
    return submission


def save(submission: Submission, *, title: str, body: str, now: datetime, video_url: str = "",
         submit: bool = False, actor: str = "") -> None:
    """Save the text at ``now`` (as a draft, or submitted); over the limit nothing is saved."""
    kind = submission.kind
    count = character_count(body)
    if count > kind.max_chars:
        raise SubmissionError("too_long", f"{kind.label}正文不能超过{kind.max_chars}字（不计空格和换行），"
                                          f"当前{count}字，请删减{count - kind.max_chars}字后再保存。",
                              field="body")
    if submit:
        _check_complete(submission, title, body, video_url)
        _check_deadline(submission, now)
    before = {"status": submission.status.value, "chars": character_count(submission.body)}
    submission.title, submission.body, submission.video_url = title, body, video_url
    submission.updated_by = actor
    submission.updated_at = now
    if submit:
        submission.status = SubmissionStatus.SUBMITTED
        submission.submitted_at = now
    log_action("submission.submit" if submit else "submission.save", submission, before=before,
               after={"status": submission.status.value, "chars": count},
               summary=f"{submission.department.name} {kind.label} {count}字")


def _check_deadline(submission: Submission, now: datetime) -> None:
    """After the deadline the edition decides: accept (marked 逾期) or refuse."""
    due = submission.kind.due_on(submission.edition)
    if local(now).date() > due and not submission.edition.accept_late_submissions:
        raise SubmissionError("deadline_passed",
                              f"{submission.kind.label}已于{due.month}月{due.day}日截止，不再接收提交；"
                              "可先保存为草稿；如需补报请联系宣传统战部。", field="body")


def _check_complete(submission: Submission, title: str, body: str, video_url: str) -> None:
    if not title:
        raise SubmissionError("title_missing", "提交前请填写标题。", field="title")
    if not body.strip():
        raise SubmissionError("body_missing", "提交前请填写正文。", field="body")
    if submission.kind == SubmissionKind.MAJOR_INTRO and not video_url:
        raise SubmissionError("video_missing", "教授一分钟说专业需填写视频链接后才能提交。",
                              field="video_url")
    if submission.kind != SubmissionKind.MAJOR_INTRO and not submission.images:
        raise SubmissionError("images_missing",
                              f"{submission.kind.label}需图文并茂：请至少上传1张图片后再提交。",
                              field="image")


def add_image(submission: Submission, file) -> SubmissionImage:
    if len(submission.images) >= MAX_IMAGES:
        raise SubmissionError("too_many_images", f"每份材料最多上传{MAX_IMAGES}张图片。", field="image")
    stored = uploads.store_image(file, max_bytes=current_app.config.get(
        "SUBMISSION_IMAGE_MAX_BYTES", 5 * 1024 * 1024), field="image")
    image = SubmissionImage(**stored.as_dict())
    submission.images.append(image)
    db.session.flush()
    log_action("submission.image_add", submission, summary=f"{submission.department.name} 上传图片")
    return image


def remove_image(image: SubmissionImage) -> None:
    """The image leaves the submission, and its file the disk once that is committed."""
    submission = image.submission
    submission.images.remove(image)
    uploads.remove_after_commit("submissions", image.stored_name)
    log_action("submission.image_delete", submission, summary=f"{submission.department.name} 删除图片")


def referenced_images() -> set[str]:
    """Stored names of every image a submission still has (instance/uploads/submissions)."""
    return set(db.session.scalars(sa.select(SubmissionImage.stored_name)))


def get(submission_id: int) -> Submission:
    submission = db.session.get(Submission, submission_id)
    if submission is None:
        raise NotFound("submission_not_found", "材料不存在。")
    return submission


def for_department(edition: Edition, department: Department) -> list[Submission]:
    return list(db.session.scalars(sa.select(Submission).where(
        Submission.edition_id == edition.id, Submission.department_id == department.id)
        .order_by(Submission.kind, Submission.id)))


@dataclass
class DepartmentStatus:
    department: Department
    by_kind: dict = field(default_factory=dict)  #: kind → list of submissions

    def submitted(self, kind: SubmissionKind) -> list[Submission]:
        return [s for s in self.by_kind.get(kind, []) if s.is_submitted]

    @property
    def missing(self) -> list[SubmissionKind]:
        return [k for k in SubmissionKind if not self.submitted(k)]


def overview(edition: Edition) -> list[DepartmentStatus]:
    """Every 二级学院 (and any other unit that submitted something): what it has, what it owes."""
    rows = db.session.scalars(sa.select(Submission).where(Submission.edition_id == edition.id)
                              .order_by(Submission.id)).all()
    departments = {d.id: DepartmentStatus(d) for d in db.session.scalars(
        sa.select(Department).where(Department.kind == "college").order_by(Department.id))}
    for s in rows:
        status = departments.setdefault(s.department_id, DepartmentStatus(s.department))
        status.by_kind.setdefault(s.kind, []).append(s)
    return list(departments.values())


def export_zip(edition: Edition) -> io.BytesIO:
    """Every submitted text (UTF-8 .txt) and its images, one folder per department."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for status in overview(edition):
            for kind, items in status.by_kind.items():
                for n, s in enumerate([s for s in items if s.is_submitted], start=1):
                    folder = f"{_safe(status.department.name)}/{kind.label}{n}"
                    zf.writestr(f"{folder}/正文.txt", _text(s))
                    for i, image in enumerate(s.images, start=1):
                        ext = image.stored_name.rsplit(".", 1)[-1]
                        zf.write(uploads.path_of("submissions", image.stored_name),
                                 f"{folder}/图片{i}.{ext}")
    buffer.seek(0)
    return buffer


def _text(s: Submission) -> str:
    lines = [f"标题：{s.title}", f"单位：{s.department.name}", f"类别：{s.kind.label}",
             f"字数：{character_count(s.body)}", f"提交时间：{local(s.submitted_at):%Y-%m-%d %H:%M}"]
    if s.video_url:
        lines.append(f"视频链接：{s.video_url}")
    return "\n".join(lines) + "\n\n" + s.body + "\n"


def _safe(name: str) -> str:
    return re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", name).strip(". ") or "未命名"
