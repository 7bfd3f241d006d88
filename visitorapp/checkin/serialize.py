"""JSON shapes shared by the API and the gate page (no mobile numbers, no names of people)."""
from ..booking.models import Booking, SchoolStage
from ..timeutil import format_datetime, format_time
from .models import CheckIn


def booking_json(booking: Booking | None) -> dict | None:
    if booking is None:
        return None
    slot = booking.slot
    return {
        "reference": booking.reference, "school": booking.school_name,
        "stage": SchoolStage(booking.school_stage).label, "students": booking.students,
        "teachers": booking.teachers, "status": str(booking.status),
        "event": slot.event.name, "venue": slot.venue.name if slot.venue else "",
        "venue_id": slot.venue_id, "rehearsal": slot.is_rehearsal,
        "starts_at": slot.starts_at.isoformat(), "ends_at": slot.ends_at.isoformat(),
        "time": f"{format_time(slot.starts_at)}–{format_time(slot.ends_at)}",
    }


def checkin_json(checkin: CheckIn) -> dict:
    return {
        "id": checkin.id, "client_id": checkin.client_id, "result": checkin.result,
        "message": checkin.message, "warnings": checkin.warning_list,
        "direction": checkin.direction, "students": checkin.students,
        "teachers": checkin.teachers, "venue_id": checkin.venue_id,
        "scanned_at": checkin.scanned_at.isoformat(), "scanned_at_text": format_datetime(checkin.scanned_at),
        "by": checkin.actor_name, "offline": checkin.offline, "conflict": checkin.conflict,
        "booking": booking_json(checkin.booking),
    }
