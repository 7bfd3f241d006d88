"""JSON API: individual events and their slots with places (read-only, public)."""
from flask import abort, jsonify

from ..api.views import api_blueprint
from ..booking import capacity
from ..programme import services as programme
from ..timeutil import utcnow
from . import services

bp = api_blueprint("registration_api", __name__, "/registration")


@bp.get("/slots")
def slots():
    """Individual events of the week the public books now, with the places each slot really has
    for our own students and for visitors."""
    edition = programme.booking_edition(utcnow())
    if edition is None:
        abort(404)
    events = services.individual_events(edition)
    # The numbers the registration pages show and the waiting list decides by.
    left = capacity.person_places_left([s for e in events for s in e.slots])
    return jsonify({"events": [{
        "id": event.id, "name": event.name, "audience": event.audience,
        "slots": [{"id": s.id, "starts_at": s.starts_at.isoformat(), "ends_at": s.ends_at.isoformat(),
                   "label": s.label, "capacity": s.capacity, "remaining": s.remaining,
                   "bookable_internal": left[s.id].students,
                   "bookable_external": left[s.id].visitors,
                   "is_open": s.is_open, "venue": s.venue.name if s.venue else None}
                  for s in event.slots if not s.is_rehearsal],
    } for event in events]})
