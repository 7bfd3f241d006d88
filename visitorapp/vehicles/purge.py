"""清除个人信息: a finished week's plates go with the leaders' data (a private car's plate names
its owner). The arrival mode and the number of vehicles stay, as counts do."""
import sqlalchemy as sa

from ..booking.models import Booking
from ..extensions import db
from ..programme.models import Edition, Event, Slot
from .models import Vehicle


def purge(edition: Edition) -> int:
    """Delete the plates of the edition's bookings; returns how many."""
    bookings = (sa.select(Booking.id).join(Booking.slot).join(Slot.event)
                .where(Event.edition_id == edition.id))
    result = db.session.execute(sa.delete(Vehicle).where(Vehicle.booking_id.in_(bookings))
                                .execution_options(synchronize_session=False))
    return result.rowcount or 0
