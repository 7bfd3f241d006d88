"""The read-only registration API and its OpenAPI fragment."""
from tests.registration.helpers import create_individual_slot, register


def test_individual_slots_api_reports_places_and_is_documented(client, db):
    slot = create_individual_slot(capacity=3, name="简历门诊")
    register(slot)
    db.session.commit()
    body = client.get("/api/v1/registration/slots").get_json()
    [event] = body["events"]
    assert event["name"] == "简历门诊"
    [api_slot] = event["slots"]
    assert api_slot["id"] == slot.id and api_slot["remaining"] == 2 and api_slot["is_open"] is True
    spec = client.get("/api/v1/openapi.json").get_json()
    assert "/api/v1/registration/slots" in spec["paths"]
    required = spec["components"]["schemas"]["IndividualSlot"]["required"]
    assert set(required) == set(api_slot)


def test_api_without_an_edition_is_a_json_404(client, db):
    response = client.get("/api/v1/registration/slots")
    assert response.status_code == 404 and response.get_json()["error"] == "not_found"
