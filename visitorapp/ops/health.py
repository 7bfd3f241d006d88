"""/healthz: is this instance able to serve a booking right now (app up, database answering)?"""
import logging

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db

log = logging.getLogger(__name__)


def database_ok() -> bool:
    """One round trip to the database; False (never an exception) when it does not answer."""
    try:
        db.session.execute(sa.text("SELECT 1"))
        db.session.rollback()
        return True
    except SQLAlchemyError as exc:
        db.session.rollback()
        # The class only: connection strings may carry a password.
        log.warning("health check: database unreachable (%s)", type(exc).__name__)
        return False
