"""The one ticket token format.

    HC1-<nonce>-<signature>      e.g. HC1-K3J9XQ2VLP8ZB4TY-M2QX7R0A9C4DE

* nonce: 10 random bytes in base32 (16 chars), stored on the booking (``ticket_nonce``);
  it carries no personal data and is separate from the management token.
* signature: HMAC-SHA256 over the nonce with a key derived from this deployment's SECRET_KEY,
  truncated to 8 bytes (13 chars). A token from another deployment, a tampered or a random one
  fails here, before any database lookup.
* Upper-case letters, digits and '-' only, so the QR code uses alphanumeric mode: 34 characters
  fit QR version 2 at error correction M, which a phone reads at arm's length.
* Scanner guns behind a Chinese input method may send full-width or lower-case characters:
  ``normalise`` folds them back before checking.
"""
import base64
import hashlib
import hmac
import re
import secrets
import unicodedata

from flask import current_app

PREFIX = "HC1"
_TOKEN_RE = re.compile(r"^HC1-([A-Z2-7]{16})-([A-Z2-7]{13})$")


class TokenError(Exception):
    """A token this deployment did not issue. ``code`` is a check-in outcome."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def _b32(data: bytes) -> str:
    return base64.b32encode(data).decode().rstrip("=")


def new_nonce() -> str:
    return _b32(secrets.token_bytes(10))


def _key() -> bytes:
    secret = current_app.config["SECRET_KEY"]
    if isinstance(secret, str):
        secret = secret.encode()
    return hmac.new(secret, b"visitorapp ticket token v1", hashlib.sha256).digest()


def sign(nonce: str) -> str:
    return f"{PREFIX}-{nonce}-{_b32(hmac.new(_key(), nonce.encode(), hashlib.sha256).digest()[:8])}"


def fingerprint(token: str) -> str:
    """SHA-256 (hex) of a token, kept or sent where the token itself must not be: a gate
    device's token at rest, and each ticket in the gate's offline list (the gate's script hashes
    what it scans the same way to look it up)."""
    return hashlib.sha256(token.encode()).hexdigest()


def normalise(raw: str | None) -> str:
    """What a scanner, a camera or a person typed, folded to the canonical form."""
    if not raw:
        return ""
    text = unicodedata.normalize("NFKC", raw).strip().upper()
    return re.sub(r"\s+", "", text)


def verify(raw: str | None) -> str:
    """Return the nonce of a token this deployment signed, or raise TokenError."""
    token = normalise(raw)
    match = _TOKEN_RE.match(token)
    if not match:
        raise TokenError("unknown", "无法识别的票码：不是本系统签发的入场码。")
    nonce = match.group(1)
    if not hmac.compare_digest(sign(nonce), token):
        raise TokenError("forged", "票码校验失败：票码被篡改或不是本系统签发。")
    return nonce


def token_for(booking) -> str:
    """The ticket token of a booking (what its QR code carries)."""
    return sign(booking.ticket_nonce)
