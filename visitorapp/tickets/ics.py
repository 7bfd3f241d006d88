"""The visit as an iCalendar entry (.ics), so the holder's phone reminds them of the slot: one
builder for a group's booking and a person's registration (their ticket mails attach it alike)."""
from icalendar import Calendar, Event

from ..booking.models import Booking
from ..registration.models import Registration
from ..timeutil import UTC, utcnow

PRODID = "-//Hunan Chemical Vocational Technical College//visitorapp//ZH-CN"


def visit_calendar(holder: Booking | Registration, *, ticket_url: str, host: str,
                   cancel: bool = False, sequence: int | None = None) -> bytes:
    """One VEVENT whose UID stays the same for the holder, so a move updates it and a later
    CANCEL removes it."""
    slot = holder.slot
    venue = slot.venue
    is_booking = isinstance(holder, Booking)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancel else "PUBLISH")
    event = Event()
    event.add("uid", f"{'booking' if is_booking else 'registration'}-{holder.reference}@{host}")
    # The sequence only grows: a move (new time) and then a cancellation must each win over what
    # came before in every client. Later mails pass the minute they were queued (see notifications).
    event.add("sequence", sequence if sequence is not None else (1 if cancel else 0))
    event.add("dtstamp", utcnow())
    event.add("dtstart", slot.starts_at.astimezone(UTC))
    event.add("dtend", slot.ends_at.astimezone(UTC))
    who = holder.school_name if is_booking else holder.name
    event.add("summary", f"职业教育活动周：{slot.title}（{who}）")
    if venue:
        event.add("location", " ".join(filter(None, ["湖南化工职业技术学院", venue.place])))
    event.add("description", "\n".join([
        f"预约号：{holder.reference}" if is_booking else f"报名号：{holder.reference}",
        f"人数：学生 {holder.students} 人，教师 {holder.teachers} 人" if is_booking else "一人一码",
        f"入场码：{ticket_url}",
    ]))
    event.add("status", "CANCELLED" if cancel else "CONFIRMED")
    calendar.add_component(event)
    return calendar.to_ical()
