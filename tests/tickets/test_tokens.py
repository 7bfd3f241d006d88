"""The ticket token: only tokens this deployment issued for a live booking get through the gate."""
import pytest
import qrcode

from tests.conftest import base_config
from tests.factories import create_booking
from tests.mailserver import decode_qr
from visitorapp import create_app
from visitorapp.booking import services
from visitorapp.database import atomic
from visitorapp.tickets import qr, tokens
from visitorapp.tickets.services import booking_for_token
from visitorapp.tickets.tokens import TokenError
from visitorapp.timeutil import utcnow


def _swap(ch: str) -> str:
    return "B" if ch != "B" else "C"


def test_issued_token_finds_its_booking_and_carries_no_personal_data(db):
    booking = create_booking(leader_mobile="13912345678", school_name="株洲市第二中学")
    token = tokens.token_for(booking)
    assert booking_for_token(token) is booking
    assert booking.manage_token not in token and "1391234" not in token
    assert token.startswith("HC1-") and len(token) <= 40


@pytest.mark.parametrize("variant", ["lower", "fullwidth", "spaces"])
def test_scanner_and_typing_variants_are_folded(db, variant):
    booking = create_booking()
    token = tokens.token_for(booking)
    raw = {"lower": token.lower(),
           "fullwidth": "".join(chr(ord(c) + 0xFEE0) if c.isalnum() else c for c in token),
           "spaces": f"  {token[:10]} {token[10:]}\n"}[variant]
    assert booking_for_token(raw) is booking


@pytest.mark.parametrize("mangle, code, words", [
    (lambda t: t[:-1] + _swap(t[-1]), "forged", "篡改"),                 # signature changed
    (lambda t: t[:5] + _swap(t[5]) + t[6:], "forged", "篡改"),            # nonce changed
    (lambda t: t[:-3], "unknown", "无法识别"),                            # truncated
    (lambda t: t[:20], "unknown", "无法识别"),                            # cut in half
    (lambda t: "HC1-AAAAAAAAAAAAAAAA-AAAAAAAAAAAAA", "forged", "篡改"),  # random, well-formed
    (lambda t: "https://evil.example/ticket", "unknown", "无法识别"),
    (lambda t: "=cmd|' /C calc'!A0", "unknown", "无法识别"),
    (lambda t: "<script>alert(1)</script>", "unknown", "无法识别"),
    (lambda t: "", "unknown", "无法识别"),
])
def test_tampered_truncated_and_random_tokens_are_rejected_with_a_reason(db, mangle, code, words):
    booking = create_booking()
    with pytest.raises(TokenError) as err:
        booking_for_token(mangle(tokens.token_for(booking)))
    assert err.value.code == code
    assert words in err.value.message


def test_signed_token_of_no_booking_is_unknown(db):
    create_booking()
    with pytest.raises(TokenError) as err:
        booking_for_token(tokens.sign(tokens.new_nonce()))
    assert err.value.code == "unknown" and "没有这张入场码" in err.value.message


def test_token_of_another_deployment_is_rejected(db, database_url, tmp_path):
    booking = create_booking()
    other = create_app({**base_config(database_url, str(tmp_path)), "SECRET_KEY": "another-college"})
    with other.app_context():
        foreign = tokens.sign(booking.ticket_nonce)  # same nonce, their key
    assert foreign != tokens.token_for(booking)
    with pytest.raises(TokenError) as err:
        booking_for_token(foreign)
    assert err.value.code == "forged"


def test_token_reused_after_cancellation_is_revoked(db):
    booking = create_booking()
    token = tokens.token_for(booking)
    db.session.commit()
    atomic(services.cancel_booking, booking, reason="天气原因", now=utcnow())
    with pytest.raises(TokenError) as err:
        booking_for_token(token)
    assert err.value.code == "revoked"
    assert booking.reference in err.value.message and "作废" in err.value.message
    # The ticket page may still show what it was (as 已作废), the gate never admits it.
    assert booking_for_token(token, allow_revoked=True) is booking


def test_changing_the_headcount_keeps_the_ticket(db):
    booking = create_booking(students=40, teachers=2)
    token = tokens.token_for(booking)
    db.session.commit()
    atomic(services.change_headcount, booking, 30, 2, enforce_deadline=False, now=utcnow())
    assert booking_for_token(token) is booking and tokens.token_for(booking) == token


def test_qr_code_is_small_and_decodes_to_the_token(db):
    booking = create_booking()
    token = tokens.token_for(booking)
    code = qr.build(token)
    assert code.version <= 5  # read at arm's length by a phone camera
    assert code.error_correction == qrcode.constants.ERROR_CORRECT_M
    assert decode_qr(qr.png(token)) == [token]
