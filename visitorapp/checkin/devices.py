"""Gate devices: API tokens for scanners and shared gate phones (shown once, stored hashed)."""
import secrets

import sqlalchemy as sa

from ..audit.models import log_action
from ..errors import DomainError
from ..extensions import db
from ..programme.models import Venue
from ..tickets.tokens import fingerprint
from ..timeutil import utcnow
from .models import GateDevice

TOKEN_PREFIX = "gd_"  # noqa: S105 - a public marker, not a secret


def create_device(name: str, venue: Venue, *, created_by=None) -> tuple[GateDevice, str]:
    """A new device and its token (the only time the token is visible)."""
    name = (name or "").strip()
    if not 1 <= len(name) <= 60:
        raise DomainError("name_invalid", "设备名称应为1到60个字符。", field="name")
    if db.session.scalar(sa.select(GateDevice.id).where(GateDevice.name == name)):
        raise DomainError("name_taken", f"设备名称“{name}”已存在。", field="name")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    device = GateDevice(name=name, venue=venue, token_hash=fingerprint(token),
                        created_by_id=getattr(created_by, "id", None))
    db.session.add(device)
    db.session.flush()
    log_action("device.create", device, summary=f"{name} @ {venue.name}")
    return device, token


def revoke_device(device: GateDevice) -> None:
    if device.revoked_at is None:
        device.revoked_at = utcnow()
        log_action("device.revoke", device, summary=device.name)
    db.session.flush()


def device_for_token(token: str) -> GateDevice | None:
    """The active device holding ``token``, or None (unknown or revoked)."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 100:
        return None
    device = db.session.scalar(sa.select(GateDevice).where(
        GateDevice.token_hash == fingerprint(token)))
    if device is None or device.is_revoked:
        return None
    return device


def venue_by_name(name: str) -> Venue:
    venue = db.session.scalar(sa.select(Venue).where(Venue.name == name))
    if venue is None:
        raise DomainError("not_found", f"场馆“{name}”不存在。")
    return venue


def bearer_device(authorization: str) -> GateDevice | None:
    """The active device an ``Authorization: Bearer <token>`` header names, or None."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return device_for_token(token.strip())
