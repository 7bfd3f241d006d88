"""A small week for console tests: one edition, a group event with a slot at a venue, a booking."""
from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from tests.factories import create_booking, create_edition, create_event, create_slot, create_venue
from visitorapp.audit.models import AuditEntry


@dataclass
class World:
    edition: object
    event: object
    venue: object
    slot: object
    booking: object


@pytest.fixture
def world(db):
    edition = create_edition()
    event = create_event(edition, name="开放科普基地")
    venue = create_venue("化工实训中心", safe_occupancy=300)
    slot = create_slot(event, venue, capacity=100)
    booking = create_booking(slot, school_name="株洲市第二中学", leader_mobile="13812345678",
                             students=40, teachers=2)
    db.session.commit()
    return World(edition, event, venue, slot, booking)


def audit_actions(db, action_prefix: str = "") -> list[AuditEntry]:
    return list(db.session.scalars(sa.select(AuditEntry)
                                   .where(AuditEntry.action.startswith(action_prefix))
                                   .order_by(AuditEntry.id)))
