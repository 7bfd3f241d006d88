"""The API does what its OpenAPI document says: `schemathesis run --checks all` against the live
app (a real HTTP server in a thread) finds nothing — no server error, no undocumented status,
header or body, no schema-valid request refused as malformed, no schema-violating one accepted,
405s with Allow, and the gate operations refuse anonymous callers.

Runs the schemathesis command line as users would (settings in schemathesis.toml beside this
file, one extra check in schemathesis_hooks.py), seeded, so every run tries the same requests."""
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.factories import create_booking, create_slot, create_venue
from tests.registration.helpers import create_individual_slot, register
from visitorapp.checkin.devices import create_device

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


@pytest.fixture
def server(app, db):
    """The test app over real HTTP, with a week to book in and a gate device to scan with."""
    venue = create_venue(name="化工安全体验馆")
    for capacity in (200, 40):
        create_booking(create_slot(venue=venue, capacity=capacity), students=20, teachers=1)
    register(create_individual_slot(capacity=3))
    _device, token = create_device("契约测试扫码枪", venue)
    db.session.commit()
    http = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{http.server_port}", token
    http.shutdown()
    thread.join(timeout=10)


def test_schemathesis_finds_nothing_with_all_checks(server, tmp_path):
    base, device_token = server
    env = {**os.environ, "SCHEMATHESIS_HOOKS": "tests.security.schemathesis_hooks",
           "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-m", "schemathesis.cli", "--config-file", str(HERE / "schemathesis.toml"),
         "run", f"{base}/api/v1/openapi.json", "--checks", "all",
         "--header", f"Authorization: Bearer {device_token}",
         "--max-examples", "20", "--seed", "1305", "--generation-deterministic",
         "--workers", "1", "--no-color",
         "--report-dir", str(tmp_path)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=900, check=False)
    print(result.stdout[-3000:])
    assert result.returncode == 0, result.stdout[-8000:] + result.stderr[-2000:]
