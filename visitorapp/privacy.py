"""个人信息保留期: one fact — when a week's personal data goes — shared by the purge and /privacy.

Each feature purges its own data (``<feature>/purge.py``: bookings, registrations and their
uploaded files, waiting lists, mails); ``flask purge-personal-data`` (visitorapp.reports.purge)
runs every step for a week once its retention period is over.
"""
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa

from .extensions import db

#: What replaces a name; mobiles become "anon-<id>" (unique, so the partial unique indexes hold).
ANONYMOUS_NAME = "（已匿名）"
#: What replaces any other personal text (mail bodies, audit values, a student number).
PURGED_TEXT = "（已清除）"


def retention_ends(ends_on: date, retention_days: int) -> date:
    """The day a week's personal data is deleted: RETENTION_DAYS after its last day."""
    return ends_on + timedelta(days=retention_days)


@dataclass
class Purged:
    """What one feature's purge step changed."""

    #: Rows anonymised (bookings, registrations, entries, mails).
    count: int = 0
    #: E-mail addresses that were on those rows: the mail step looks for older mails to them.
    addresses: set[str] = field(default_factory=set)
    #: Personal strings that were on those rows (names, mobiles, reasons …): the audit step
    #: masks them wherever they appear in an entry about those rows.
    texts: set[str] = field(default_factory=set)
    #: Uploaded files to delete from disk once the transaction has committed.
    files: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, rows) -> "Purged":
        """From the rows about to be purged: ``id`` and their personal columns (``email`` one of
        them; a JSON column's text values count too)."""
        done = cls(count=len(rows))
        for row in rows:
            data = row._mapping
            done.addresses.add(data.get("email", ""))
            for key, value in data.items():
                values = value.values() if isinstance(value, dict) else (value,)
                if key != "id":
                    done.texts.update(v for v in values if isinstance(v, str))
        return done


def anonymise(model, ids: list[int], **values) -> None:
    """UPDATE ``model`` rows by id (in chunks: an IN list stays small) with ``values``."""
    for start in range(0, len(ids), 500):
        db.session.execute(sa.update(model).where(model.id.in_(ids[start:start + 500])).values(**values)
                           .execution_options(synchronize_session=False))


def anonymous_mobile(model):
    """"anon-<id>": unique per row, so the partial unique indexes on mobiles still hold."""
    return sa.literal("anon-") + sa.cast(model.id, sa.String)
