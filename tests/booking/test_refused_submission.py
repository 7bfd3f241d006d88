"""Nothing typed is lost when a submission is refused before it is read: an expired page (CSRF) or
too many requests answers with a way back to the form, filled in, and nothing is stored."""
import pytest
import sqlalchemy as sa

from tests.booking.helpers import form_data
from tests.factories import create_slot
from visitorapp.booking.models import Booking


@pytest.fixture
def app_config(app_config):
    return {**app_config, "WTF_CSRF_ENABLED": True}


def test_an_expired_page_takes_the_typed_form_back(client, db):
    slot = create_slot(capacity=100)
    db.session.commit()
    typed = form_data(school_name="株洲市第二中学（初中部）", grades="七年级：1班",
                      notes="两名学生需要轮椅通道", csrf_token="expired-token")
    refused = client.post(f"/book/{slot.id}", data=typed)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "页面已过期" in page
    assert "返回表单（已填信息保留）" in page and 'value="株洲市第二中学（初中部）"' in page
    assert "expired-token" not in page
    fresh = page.split('name="csrf_token" value="')[1].split('"')[0]

    back = client.post(f"/book/{slot.id}", data={**typed, "csrf_token": fresh, "carry": "1"})
    form = back.get_data(as_text=True)
    assert back.status_code == 200
    assert 'value="株洲市第二中学（初中部）"' in form and 'value="七年级：1班"' in form
    assert "两名学生需要轮椅通道" in form and 'class="error"' not in form
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Booking)) == 0


def test_no_way_back_is_offered_for_a_sign_in(client, db):
    refused = client.post("/login", data={"username": "x", "password": "secret-typed",
                                          "csrf_token": "expired"})
    assert "secret-typed" not in refused.get_data(as_text=True)
    assert "返回表单" not in refused.get_data(as_text=True)
