"""The visit as an iCalendar entry (.ics), so the teacher's phone reminds them of the slot."""
from icalendar import Calendar, Event

from ..booking.models import Booking
from ..timeutil import UTC, utcnow

PRODID = "-//Hunan Chemical Vocational Technical College//visitorapp//ZH-CN"


def booking_calendar(booking: Booking, *, ticket_url: str, host: str, cancel: bool = False,
                     sequence: int | None = None) -> bytes:
    """One VEVENT whose UID stays the same for the booking, so a later CANCEL removes it."""
    slot = booking.slot
    venue = slot.venue
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancel else "PUBLISH")
    event = Event()
    event.add("uid", f"booking-{booking.reference}@{host}")
    # The sequence only grows: a move (new time) and then a cancellation must each win over what
    # came before in every client. Later mails pass the minute they were queued (see notifications).
    event.add("sequence", sequence if sequence is not None else (1 if cancel else 0))
    event.add("dtstamp", utcnow())
    event.add("dtstart", slot.starts_at.astimezone(UTC))
    event.add("dtend", slot.ends_at.astimezone(UTC))
    event.add("summary", f"职业教育活动周：{slot.event.name}（{booking.school_name}）")
    if venue:
        event.add("location", " ".join(filter(None, ["湖南化工职业技术学院", venue.name, venue.building])))
    event.add("description", "\n".join([
        f"预约号：{booking.reference}",
        f"人数：学生 {booking.students} 人，教师 {booking.teachers} 人",
        f"入场码：{ticket_url}",
    ]))
    event.add("status", "CANCELLED" if cancel else "CONFIRMED")
    calendar.add_component(event)
    return calendar.to_ical()
