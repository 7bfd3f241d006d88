"""JSON shapes shared by the API and the gate page (no mobile numbers, no names of people)."""
from ..timeutil import format_datetime, format_time
from ..vehicles import services as vehicles
from .holders import Holder
from .models import CheckIn


def holder_json(holder: Holder | None, *, vehicles_summary: str | None = None) -> dict | None:
    """The ticket as the gate shows it: a group booking or an individual registration.
    ``vehicles_summary``: the group's vehicles when the caller loaded them for many at once."""
    if holder is None:
        return None
    if vehicles_summary is None:
        vehicles_summary = vehicles.summary(holder.booking) if holder.is_group else ""
    slot = holder.slot
    students, teachers = holder.booked
    return {
        "kind": "group" if holder.is_group else "individual",
        "reference": holder.reference, "school": holder.label, "stage": holder.stage,
        "students": students, "teachers": teachers,
        "status": str(holder.record.status),  # confirmed, pending (待审核) or cancelled
        "event": slot.event.name, "venue": slot.venue.name if slot.venue else "",
        "venue_id": slot.venue_id, "rehearsal": slot.is_rehearsal,
        "starts_at": slot.starts_at.isoformat(), "ends_at": slot.ends_at.isoformat(),
        "time": f"{format_time(slot.starts_at)}–{format_time(slot.ends_at)}",
        "vehicles": vehicles_summary,
    }


def holder_of(checkin: CheckIn) -> Holder | None:
    if checkin.booking is not None:
        return Holder(booking=checkin.booking)
    if checkin.registration is not None:
        return Holder(registration=checkin.registration)
    return None


def checkin_json(checkin: CheckIn) -> dict:
    outcome = checkin.outcome
    return {
        "id": checkin.id, "client_id": checkin.client_id, "result": outcome.value,
        "tone": outcome.tone, "admitted": outcome.admitted,
        "message": checkin.message, "warnings": checkin.warning_list,
        "direction": checkin.direction, "students": checkin.students,
        "teachers": checkin.teachers, "venue_id": checkin.venue_id,
        "scanned_at": checkin.scanned_at.isoformat(),
        "scanned_at_text": format_datetime(checkin.scanned_at),
        "by": checkin.actor_name, "offline": checkin.offline, "conflict": checkin.conflict,
        "booking": holder_json(holder_of(checkin)),
    }
