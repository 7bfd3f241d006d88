"""A check schemathesis loads (SCHEMATHESIS_HOOKS) beside its own `--checks all`.

The contract test allows 422 for schema-valid requests because a 422 also carries a business rule
JSON Schema cannot state (one teacher per 20 pupils, the group size, the booking window, arrived
numbers). This check takes that allowance back for everything else: a request the document
allows must never be refused as malformed."""
import schemathesis

#: Error codes that mean "your request does not match the document" (never a business rule).
MALFORMED = {"invalid", "invalid_parameter", "missing_parameter", "invalid_date",
             "day_out_of_range", "bad_json", "not_json", "bad_request"}


@schemathesis.check
def schema_valid_is_never_malformed(ctx, response, case):
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive:
        return None
    if response.status_code not in (400, 422):
        return None
    try:
        code = response.json().get("error")
    except ValueError:
        code = None
    if code in MALFORMED:
        raise AssertionError(f"a request the document allows was refused as malformed: "
                             f"{response.status_code} {response.text[:500]}")
    return None
