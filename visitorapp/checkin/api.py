"""JSON API for gates: POST /api/v1/checkins, GET /api/v1/checkins/summary and /tickets.

Authenticated by a gate device's bearer token or a staff session (gate, organizer, admin).
"""
import functools
from datetime import date, datetime, timedelta, timezone

from flask import abort, g, jsonify, request
from flask_login import current_user

from ..accounts.models import Role
from ..api.views import api_blueprint, error_response
from ..database import atomic
from ..errors import DomainError
from ..extensions import db, limiter
from ..programme.models import Venue
from ..timeutil import local_today, utcnow
from . import offline, services
from .actors import Actor
from .counts import summary
from .devices import device_for_token
from .serialize import checkin_json

bp = api_blueprint("checkin_api", __name__, "/checkins")
#: A rule's refusal or a malformed argument (a date out of range…): its JSON, never a 500.
bp.register_error_handler(DomainError, error_response)


def gate_actor(view):
    """A device token (Authorization: Bearer …) or a signed-in gate/organizer/admin."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        header = request.headers.get("Authorization", "")
        if header:
            scheme, _, token = header.partition(" ")
            device = device_for_token(token.strip()) if scheme.lower() == "bearer" else None
            if device is None:
                response = jsonify({"error": "unauthorized", "message": "设备令牌无效或已停用。"})
                response.status_code = 401
                response.headers["WWW-Authenticate"] = "Bearer"
                return response
            g.actor = Actor(device=device)
        elif current_user.is_authenticated:
            if not current_user.has_role(Role.ORGANIZER, Role.GATE):
                abort(403)
            g.actor = Actor(user=current_user._get_current_object())
        else:
            abort(401)
        return view(*args, **kwargs)

    return wrapper


@bp.post("")
@limiter.exempt
@gate_actor
def create():
    """Record one scan (entry or exit); the answer says what the gate shows."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return error_response(services.CheckInInvalid("bad_json", "请求须为 JSON 对象。"))
    try:
        venue = _venue(data.get("venue_id"))
        outcome, body = atomic(_record, data, venue)
    except DomainError as exc:
        return error_response(exc)
    return jsonify(body), 200 if outcome.replay else 201


def _record(data: dict, venue: Venue | None):
    """One unit of work: decide, store and describe the scan before the commit (no reloads)."""
    actor: Actor = g.actor
    outcome = services.check_in(
        str(data.get("token") or ""), venue, data.get("direction", "in"), data.get("students"),
        data.get("teachers"), str(data.get("client_id") or ""), actor, now=utcnow(),
        confirm=data.get("confirm") is True, scanned_at=_when(data.get("scanned_at")),
        offline=data.get("offline") is True, local_result=str(data.get("local_result") or ""))
    if actor.device is not None:
        touch(actor.device)
    body = checkin_json(outcome.checkin)
    body["replay"] = outcome.replay
    return outcome, body


def touch(device) -> None:
    """Note when a device was last used, at most once a minute (no write per scan)."""
    now = utcnow()
    if device.last_used_at is None or now - device.last_used_at > timedelta(minutes=1):
        device.last_used_at = now


@bp.get("/summary")
@gate_actor
def summary_view():
    """Booked, arrived and on-site counts per venue (the actor's venues) and for the campus."""
    day = _day(request.args.get("date"))
    return jsonify(summary(day, g.actor.venue_ids()))


@bp.get("/tickets")
@gate_actor
def tickets():
    """The day's tickets for the actor's venues, for deciding offline (no personal data)."""
    day = _day(request.args.get("date"))
    return jsonify(offline.ticket_list(day, g.actor, utcnow()))


def _venue(value) -> Venue | None:
    actor: Actor = g.actor
    if actor.device is not None:
        return actor.device.venue
    if value in (None, ""):
        venues = actor.venues()
        return venues[0] if len(venues) == 1 and not actor.all_venues else None
    if not isinstance(value, int) or isinstance(value, bool):
        raise services.CheckInInvalid("venue_invalid", "场馆编号不正确。", field="venue_id")
    venue = db.session.get(Venue, value)
    if venue is None:
        raise services.CheckInInvalid("venue_invalid", "场馆不存在。", field="venue_id")
    return venue


def _when(value) -> datetime | None:
    if value in (None, ""):
        return None
    try:
        when = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        if when.tzinfo is None:
            raise services.CheckInInvalid("scanned_at_invalid", "扫码时间须带时区。",
                                          field="scanned_at")
        return when.astimezone(timezone.utc)
    except (ValueError, OverflowError):
        raise services.CheckInInvalid("scanned_at_invalid", "扫码时间格式不正确。",
                                      field="scanned_at") from None


def _day(value: str | None) -> date:
    return services.parse_day(value) if value else local_today()


@bp.get("/search")
@gate_actor
def search():
    """The day's tickets matching a reference, school, mobile or its last four (other venues'
    too, marked as such)."""
    from .search import find_tickets
    day = _day(request.args.get("date"))
    return jsonify({"results": find_tickets(request.args.get("q", ""), day, g.actor)})


@bp.post("/<int:checkin_id>/numbers")
@gate_actor
def numbers(checkin_id: int):
    """Correct the numbers of a ticket's last movement (fewer, or more with ``confirm``)."""
    from .models import CheckIn
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return error_response(services.CheckInInvalid("bad_json", "请求须为 JSON 对象。"))
    checkin = db.get_or_404(CheckIn, checkin_id)
    try:
        atomic(services.correct_numbers, checkin, data.get("students"), data.get("teachers"),
               g.actor, confirm=data.get("confirm") is True)
    except DomainError as exc:
        return error_response(exc)
    return jsonify(checkin_json(checkin))
