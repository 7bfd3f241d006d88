"""Answers to an event's extra questions: text as given, files checked and stored."""
import sqlalchemy as sa

from ..extensions import db
from . import uploads
from .models import QuestionKind, Registration, RegistrationQuestion


def store_answers(questions: list[RegistrationQuestion], values: dict) -> dict:
    """{"q<id>": text | {stored file}} from submitted values; raises UploadError (nothing kept)."""
    answers, stored = {}, []
    try:
        for q in questions:
            value = values.get(q.field_name)
            if q.kind == QuestionKind.FILE:
                if not getattr(value, "filename", None):
                    continue
                saved = uploads.store_document(value, allowed=q.allowed_types,
                                               max_bytes=q.max_kb * 1024, label=q.label,
                                               field=q.field_name)
                stored.append(saved.stored_name)
                answers[q.field_name] = saved.as_dict()
            elif value:
                answers[q.field_name] = str(value)
    except uploads.UploadError:
        discard(stored)
        raise
    return answers


def stored_files(answers: dict) -> list[str]:
    return [a["stored_name"] for a in (answers or {}).values() if isinstance(a, dict)]


def discard(stored_names: list[str]) -> None:
    """Remove files of a registration that was not saved after all."""
    uploads.discard("cv", stored_names)


def referenced_files() -> set[str]:
    """Stored names of every uploaded file an answer still refers to (instance/uploads/cv)."""
    return {name for answers in db.session.scalars(sa.select(Registration.answers))
            for name in stored_files(answers)}
