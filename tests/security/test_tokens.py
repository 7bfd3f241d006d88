"""Tampered, foreign and replayed tokens: management links and ticket tokens."""
import pytest

from visitorapp.tickets import services as tickets
from visitorapp.tickets import tokens
from visitorapp.tickets.tokens import TokenError

from .conftest import row_counts


def _flip(text: str, index: int) -> str:
    swap = "B" if text[index] != "B" else "C"
    return text[:index] + swap + text[index + 1:]


def test_tampered_manage_token_shows_nothing_and_changes_nothing(client, db, world):
    token = world.booking.manage_token
    before = row_counts()
    for bad in (_flip(token, 0), _flip(token, len(token) - 1), token[:-1], token + "x",
                token.upper() if token != token.upper() else token.lower(), "../" + token):
        for method, suffix in (("GET", ""), ("GET", "/confirmed"), ("POST", "/cancel"),
                               ("POST", "/headcount")):
            response = client.open(f"/b/{bad}{suffix}", method=method,
                                   data={"students": 1, "teachers": 1})
            assert response.status_code == 404, (bad, suffix)
            text = response.get_data(as_text=True)
            assert "株洲市安全中学" not in text and world.booking.leader_mobile not in text
    assert row_counts() == before
    db.session.refresh(world.slot)
    assert world.slot.booked == 42


def test_replayed_cancel_releases_places_once(client, db, world):
    token = world.booking.manage_token
    first = client.post(f"/b/{token}/cancel", data={"reason": "天气原因"}, follow_redirects=True)
    assert "预约已取消" in first.get_data(as_text=True)
    second = client.post(f"/b/{token}/cancel", data={"reason": "天气原因"}, follow_redirects=True)
    assert "该预约已取消" in second.get_data(as_text=True)
    again = client.post(f"/b/{token}/headcount", data={"students": 30, "teachers": 2})
    assert "该预约已取消" in again.get_data(as_text=True)
    db.session.refresh(world.slot)
    assert world.slot.booked == 0


def test_ticket_token_tampered_or_foreign_is_forged(app, world):
    token = tokens.token_for(world.booking)
    assert tickets.booking_for_token(token).id == world.booking.id
    nonce_pos, sig_pos = len("HC1-") + 3, len(token) - 2
    for bad in (_flip(token, nonce_pos), _flip(token, sig_pos)):
        with pytest.raises(TokenError) as err:
            tickets.booking_for_token(bad)
        assert err.value.code == "forged" and "篡改" in err.value.message
    app.config["SECRET_KEY"] = "another-deployment"
    with pytest.raises(TokenError) as err:
        tickets.booking_for_token(token)
    assert err.value.code == "forged"


@pytest.mark.parametrize("junk", ["", "HC1-", "<script>", "' OR 1=1 --", "HC1-" + "A" * 200])
def test_ticket_token_junk_is_unknown(app, junk):
    with pytest.raises(TokenError) as err:
        tokens.verify(junk)
    assert err.value.code == "unknown"


def test_ticket_of_a_cancelled_booking_is_revoked(app, client, db, world):
    token = tokens.token_for(world.booking)
    client.post(f"/b/{world.booking.manage_token}/cancel", data={})
    with pytest.raises(TokenError) as err:
        tickets.booking_for_token(token)
    assert err.value.code == "revoked" and "作废" in err.value.message
