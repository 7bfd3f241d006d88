"""The booking API's document and its form agree: every value the OpenAPI document allows for a
field passes the form's own rules (normalisation, name and free-text checks, e-mail syntax), and
values it does not allow are refused before the form is asked. (tests/security/test_api_contract.py
runs schemathesis over the whole API; this one searches each field's pattern much harder.)"""
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.booking.test_api import payload
from tests.factories import create_slot
from visitorapp.api.spec import openapi_document
from visitorapp.booking.models import Booking

FIELDS = openapi_document()["components"]["schemas"]["BookingRequest"]["properties"]
PATTERNED = sorted(name for name, schema in FIELDS.items() if "pattern" in schema)


def allowed_values(schema):
    low, high = schema.get("minLength", 0), schema.get("maxLength", 10_000)
    return st.from_regex(schema["pattern"], fullmatch=True).filter(lambda v: low <= len(v) <= high)


def test_names_mobiles_free_text_and_email_are_all_held_to_a_pattern():
    assert PATTERNED == ["email", "grades", "leader_mobile", "leader_name", "notes", "school_name"]


@pytest.mark.parametrize("field", PATTERNED)
def test_every_value_the_document_allows_passes_the_form(app, client, db, field):
    slot = create_slot(capacity=1000)
    db.session.commit()
    seen = []

    @settings(max_examples=80, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(value=allowed_values(FIELDS[field]))
    def check(value):
        # A fresh mobile per call unless the mobile is what is being tried (409 duplicate is
        # an answer about the slot, not the form).
        mobile = value if field == "leader_mobile" else f"139{len(seen):08d}"
        seen.append(value)
        response = client.post("/api/v1/bookings", json=payload(
            slot, **{"leader_mobile": mobile, field: value}))
        body = response.get_json()
        assert response.status_code in (201, 409), (value, body)
        assert body.get("error") != "invalid", (value, body)

    check()
    assert db.session.scalar(sa.select(sa.func.count(Booking.id))) > 0


@pytest.mark.parametrize("field, value", [
    ("school_name", "=HYPERLINK(\"x\")"), ("school_name", " 株洲市一中"), ("leader_name", "王<b>"),
    ("grades", "-七年级"), ("notes", "<script>alert(1)</script>"), ("notes", "@SUM(A1)"),
    ("email", "=cmd|x@example.cn"), ("email", "a..b@example.cn"), ("leader_mobile", "1381234567"),
    ("leader_mobile", "13812345678x"), ("school_name", "株洲市一中\u0000"),
])
def test_values_the_document_refuses_are_refused_with_the_fields_message(client, db, field, value):
    slot = create_slot(capacity=100)
    db.session.commit()
    response = client.post("/api/v1/bookings", json=payload(slot, **{field: value}))
    assert response.status_code == 422
    body = response.get_json()
    assert body["error"] == "invalid" and list(body["errors"]) == [field]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["errors"][field][0])
    assert db.session.scalar(sa.select(sa.func.count(Booking.id))) == 0
