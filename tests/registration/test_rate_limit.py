"""The public registration and waiting-list forms are rate limited (as in production)."""
import pytest

from tests.registration.helpers import create_individual_slot, register


@pytest.fixture
def app_config(app_config):
    return {**app_config, "RATELIMIT_ENABLED": True, "RATELIMIT_PUBLIC_FORM": "3 per minute"}


def test_the_registration_form_is_rate_limited(client, db):
    slot = create_individual_slot(capacity=50)
    db.session.commit()
    codes = [client.post(f"/r/{slot.id}", data={"name": "x"}).status_code for _ in range(4)]
    assert codes[:3] == [422, 422, 422] and codes[3] == 429
    assert "操作过于频繁" in client.post(f"/r/{slot.id}", data={}).get_data(as_text=True)
    assert client.get(f"/r/{slot.id}").status_code == 200  # reading the form is not limited


def test_the_waitlist_form_is_rate_limited(client, db):
    slot = create_individual_slot(capacity=1)
    register(slot)
    db.session.commit()
    codes = [client.post(f"/r/{slot.id}/waitlist", data={"name": "x"}).status_code for _ in range(4)]
    assert codes[3] == 429
