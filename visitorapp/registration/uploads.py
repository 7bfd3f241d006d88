"""Uploaded files (CVs, submission images): checked by content, stored under instance/uploads/.

Files are never served from static/: a staff route or the owner's secret link reads them back.
The stored name is random, so an uploaded name like ``../../x.py`` or ``<script>.pdf`` is only
ever shown (escaped), never used as a path.
"""
import io
import os
import secrets
import zipfile
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage

from ..errors import DomainError
from ..extensions import db
from ..privatefiles import create_private, private_dir

#: What each allowed document type starts with (a renamed .exe is refused).
DOCUMENT_MAGIC = {"pdf": (b"%PDF-",), "doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
                  "docx": (b"PK\x03\x04",)}
MIME = {"pdf": "application/pdf", "doc": "application/msword",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "jpeg": "image/jpeg", "png": "image/png", "gif": "image/gif", "webp": "image/webp"}


class UploadError(DomainError):
    status = 422


@dataclass
class StoredFile:
    stored_name: str
    original_name: str
    content_type: str
    size: int

    def as_dict(self) -> dict:
        return self.__dict__.copy()


def upload_dir(subdir: str) -> str:
    """instance/uploads/<subdir>, owner-only (0700) like every level above it."""
    private_dir(os.path.join(current_app.instance_path, "uploads"))
    return private_dir(os.path.join(current_app.instance_path, "uploads", subdir))


def read_limited(file: FileStorage, max_bytes: int, label: str, field: str | None) -> bytes:
    data = file.stream.read(max_bytes + 1)
    if not data:
        raise UploadError("upload_empty", f"{label}是空文件，请重新选择。", field=field)
    if len(data) > max_bytes:
        raise UploadError("upload_too_large",
                          f"{label}不能超过{_size(max_bytes)}，请压缩后重新上传。", field=field)
    return data


def document_type(data: bytes, filename: str, allowed: list[str]) -> str | None:
    """The type of a PDF/DOC/DOCX judged by its extension and its first bytes, or None."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if ext not in allowed or not data.startswith(DOCUMENT_MAGIC.get(ext, (b"\0\0\0\0",))):
        return None
    if ext == "docx":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                if "word/document.xml" not in zf.namelist():
                    return None
        except zipfile.BadZipFile:
            return None
    return ext


def store_document(file: FileStorage, *, allowed: list[str], max_bytes: int, label: str,
                   field: str | None = None) -> StoredFile:
    data = read_limited(file, max_bytes, label, field)
    kind = document_type(data, file.filename or "", allowed)
    if kind is None:
        names = "、".join(t.upper() for t in allowed)
        raise UploadError("upload_type", f"{label}只接受 {names} 格式的文件。", field=field)
    return _write(data, "cv", kind, file.filename or "", MIME[kind])


def store_image(file: FileStorage, *, max_bytes: int, label: str = "图片",
                field: str | None = None) -> StoredFile:
    """Accept JPEG/PNG/GIF/WebP only if Pillow can read and verify it."""
    from PIL import Image, UnidentifiedImageError

    data = read_limited(file, max_bytes, label, field)
    try:
        with Image.open(io.BytesIO(data)) as image:
            fmt = (image.format or "").lower()
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        fmt = ""
    if fmt not in ("jpeg", "png", "gif", "webp"):
        raise UploadError("upload_type", f"{label}不是有效的图片，只接受 JPG、PNG、GIF、WebP 格式。",
                          field=field)
    ext = "jpg" if fmt == "jpeg" else fmt
    return _write(data, "submissions", ext, file.filename or "", MIME[fmt])


def discard(subdir: str, stored_names: list[str]) -> None:
    """Remove files stored for something that was not saved after all (a refused form)."""
    for name in stored_names:
        try:
            os.remove(path_of(subdir, name))
        except (OSError, ValueError):
            pass


def remove_after_commit(subdir: str, stored_name: str) -> None:
    """Delete the file once the transaction that dropped its last reference commits; if that
    transaction rolls back, the reference is still there and so is the file."""
    db.session.info.setdefault(_DOOMED, set()).add(path_of(subdir, stored_name))


_DOOMED = "visitorapp.uploads.doomed"


@sa.event.listens_for(Session, "after_commit")
def _delete_doomed(session) -> None:
    for path in session.info.pop(_DOOMED, ()):
        try:
            os.remove(path)
        except FileNotFoundError:
            pass


@sa.event.listens_for(Session, "after_soft_rollback")
def _keep_doomed(session, previous_transaction) -> None:
    session.info.pop(_DOOMED, None)


def path_of(subdir: str, stored_name: str) -> str:
    if "/" in stored_name or "\\" in stored_name or stored_name.startswith("."):
        raise ValueError("bad stored name")
    return os.path.join(upload_dir(subdir), stored_name)


def _write(data: bytes, subdir: str, ext: str, original: str, mime: str) -> StoredFile:
    name = f"{secrets.token_hex(16)}.{ext}"
    with create_private(os.path.join(upload_dir(subdir), name)) as f:  # 0600
        f.write(data)
    original = os.path.basename(original.replace("\\", "/"))[:120] or f"file.{ext}"
    return StoredFile(stored_name=name, original_name=original, content_type=mime, size=len(data))


def _size(n: int) -> str:
    return f"{n // (1024 * 1024)}MB" if n >= 1024 * 1024 and n % (1024 * 1024) == 0 else f"{n // 1024}KB"
