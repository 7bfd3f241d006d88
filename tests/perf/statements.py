"""Count the SQL statements and commits one request sends (SQLAlchemy engine events).

Counting is deterministic where timing is not: a budget test fails the day a change adds a lazy
load, a recount or a second commit to a hot path. Timings stay in bench/.
"""
from contextlib import contextmanager
from dataclasses import dataclass, field

import sqlalchemy as sa

from visitorapp.extensions import db


@dataclass
class Recorded:
    statements: list[str] = field(default_factory=list)
    commits: int = 0

    @property
    def count(self) -> int:
        return len(self.statements)

    def __str__(self) -> str:
        lines = "\n".join(f"  {i + 1:2}. {s}" for i, s in enumerate(self.statements))
        return f"{self.count} statements, {self.commits} commits:\n{lines}"


@contextmanager
def recording():
    """Everything the app's engine executes inside the block (PRAGMAs and SAVEPOINTs too)."""
    found = Recorded()
    engine = db.engine

    def on_execute(conn, cursor, statement, params, context, executemany):
        found.statements.append(" ".join(statement.split())[:160])

    def on_commit(conn):
        found.commits += 1

    sa.event.listen(engine, "before_cursor_execute", on_execute)
    sa.event.listen(engine, "commit", on_commit)
    try:
        yield found
    finally:
        sa.event.remove(engine, "before_cursor_execute", on_execute)
        sa.event.remove(engine, "commit", on_commit)
