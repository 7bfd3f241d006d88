"""JSON API for group bookings (/api/v1/slots, /api/v1/bookings), documented in openapi.json.

The same form class and the same services as the web form decide every rule (vehicles
included: ``vehicles.book``), so an app or a partner school's system gets exactly the Chinese
messages a teacher sees on the page.
"""
from datetime import date, datetime

from flask import jsonify, request, url_for
from werkzeug.datastructures import MultiDict

from ..api.views import api_blueprint, error_response, validation_response
from ..database import atomic
from ..errors import DomainError, NotFound
from ..programme import services as programme
from ..programme.models import Slot
from ..tickets import tokens
from ..timeutil import local, utcnow
from ..validators import MAX_ID, day_error
from ..vehicles import booking_form as vehicles
from ..vehicles.services import transport_of
from . import capacity, rules, services
from .capacity import CapacityError
from .forms import ApiBookingForm

bp = api_blueprint("booking_api", __name__)


@bp.get("/slots")
def slots():
    """Group slots of one day (?date=YYYY-MM-DD), or every slot open for booking now."""
    now = utcnow()
    raw = request.args.get("date")
    if raw is None:
        found = programme.bookable_group_slots(now)
    else:
        try:
            day = date.fromisoformat(raw.strip())
        except ValueError:
            return _bad_request("invalid_date", "日期格式不正确，应为 YYYY-MM-DD，例如 2027-05-12。")
        problem = day_error(day)
        if problem:
            return _bad_request("day_out_of_range", problem)
        found = programme.group_slots_on(day)
    left = capacity.places_left(found)
    return jsonify([slot_json(slot, now, left=left[slot.id]) for slot in found])


@bp.post("/bookings")
def create_booking():
    """Book a slot for a school group; 201 with the reference, management and ticket links."""
    if not request.is_json:
        return _bad_request("not_json", "请以 JSON 格式提交（Content-Type: application/json）。")
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        return _bad_request("bad_json", "请求内容不是有效的 JSON 对象，请检查格式后重试。")
    # The body already matched the documented schema (visitorapp.api.validation); the form
    # applies the same field rules and normalisation as the web page.
    form = ApiBookingForm(formdata=form_data(payload, ApiBookingForm))
    if not form.validate():
        return validation_response(form.errors)
    now = utcnow()
    try:
        slot = _slot(form.slot_id.data)
        details = form.details()
        transport = vehicles.details_from_json(payload)
        body = atomic(_create, slot, details, transport, now)
    except (rules.RuleError, vehicles.VehicleError) as exc:  # nothing was stored
        return _rule_response(exc)
    except CapacityError as exc:  # full: say where, and which slots still have room
        alternatives = services.alternatives(slot, details.headcount, now)
        left = capacity.places_left(alternatives)
        response = jsonify({**exc.to_dict(), **exc.details,
                            "alternatives": [slot_json(s, now, left=left[s.id]) for s in alternatives]})
        response.status_code = exc.status
        return response
    except DomainError as exc:  # not found, duplicate (409, pointing to the first booking)
        return error_response(exc)
    response = jsonify(body)
    response.status_code = 201
    return response


def _create(slot: Slot, details: services.GroupDetails, transport, now: datetime) -> dict:
    """One unit of work: book (with the vehicles, if given), and describe the booking before the
    commit (no reloads). Without vehicles nothing about them is stored or looked up."""
    booking = vehicles.book(slot, details, transport, source="api", now=now)
    manage_url = url_for("booking.manage", token=booking.manage_token, _external=True)
    return {
        "reference": booking.reference, "status": booking.status.value,
        "manage_url": manage_url, "ticket_url": ticket_url(booking),
        "students": booking.students, "teachers": booking.teachers,
        "headcount": booking.headcount, "slot": slot_json(booking.slot, now),
        "transport": None if transport is None else vehicles.transport_json(transport_of(booking))}


def slot_json(slot: Slot, now: datetime, *, left: int | None = None) -> dict:
    """A slot as the API shows it; times in ISO 8601 with the +08:00 offset. ``bookable``: what
    can really be booked now (``capacity.places_left``; pass ``left`` when it is known)."""
    if left is None:
        left = capacity.places_left([slot])[slot.id]
    return {
        "id": slot.id, "event": slot.event.name, "event_id": slot.event_id,
        "venue": slot.venue.name if slot.venue else None,
        "building": slot.venue.building if slot.venue else None, "label": slot.label,
        "starts_at": local(slot.starts_at).isoformat(), "ends_at": local(slot.ends_at).isoformat(),
        "capacity": slot.capacity, "remaining": slot.remaining, "bookable": left,
        "is_open": is_bookable(slot, now),
    }


def is_bookable(slot: Slot, now: datetime) -> bool:
    if not slot.is_open:
        return False
    try:
        rules.check_bookable(slot, now)
    except DomainError:
        return False
    return True


def ticket_url(booking) -> str:
    """The booking's ticket page (its QR code)."""
    return url_for("tickets.ticket", token=tokens.token_for(booking), _external=True)


def form_data(payload: dict, form_class) -> MultiDict:
    """The form's fields from a JSON body, as the strings a browser would post, so WTForms
    validates them alike (40.0 is 40). Other properties are ignored, as the schema says."""
    data = MultiDict()
    for key, value in payload.items():
        if value is None or not hasattr(form_class, key) or isinstance(value, (dict, list)):
            continue
        if isinstance(value, bool):
            data[key] = "true" if value else "false"
        elif isinstance(value, float) and value.is_integer():
            data[key] = str(int(value))
        else:
            data[key] = str(value)
    return data


def _slot(slot_id: int) -> Slot:
    if not 0 < slot_id <= MAX_ID:
        raise NotFound("slot_not_found", "场次不存在。", field="slot_id")
    slot = services.get_slot(slot_id)
    if slot.is_rehearsal:  # practice sessions for gate staff are not public
        raise NotFound("slot_not_found", "场次不存在。", field="slot_id")
    return slot


def _rule_response(exc: DomainError):
    """A rule broken by the request (a RuleError or a VehicleError), on its field; a full
    entrance says how many vehicles it still takes (``remaining``, 409)."""
    field = exc.field or "slot_id"
    response = jsonify({"error": exc.code, "message": exc.message, "field": field,
                        "errors": {field: [exc.message]}, **exc.details})
    response.status_code = exc.status
    return response


def _bad_request(code: str, message: str):
    response = jsonify({"error": code, "message": message})
    response.status_code = 400
    return response
