"""Property-based calls generated from our own OpenAPI document (schemathesis): whatever a client
sends — data that fits the schema or data that breaks it — the API answers with a documented
status and body, never a server error."""
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.factories import create_slot

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize("path, method", [("/api/v1/slots", "GET"), ("/api/v1/bookings", "POST")])
def test_api_answers_as_documented(app, db, path, method, mode):
    for capacity in (100, 10):
        create_slot(capacity=capacity)
    db.session.commit()
    operation = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)[path][method]

    @given(case=operation.as_strategy(mode))
    @settings(max_examples=25, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    def call(case):
        response = case.call()
        case.validate_response(response, checks=CHECKS)

    call()
