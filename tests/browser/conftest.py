"""Real-browser fixtures: the app on a live loopback server, Debian's Chromium driven by Playwright.

Recipe: ../shared/recipes/browser-camera (fake camera from a Y4M file, a non-loopback origin via
--host-resolver-rules). Never `playwright install`: /usr/bin/chromium comes from Debian.
"""
import logging
import os
import threading

import pytest
from werkzeug.serving import make_server

from tests.mailserver import smtp_server  # noqa: F401 - fixture

from .fakecam import write_qr_y4m

CHROMIUM = "/usr/bin/chromium"
#: Resolves to 127.0.0.1 but is not a secure context, like http://192.168.1.10:5000 on gate Wi-Fi.
INSECURE_HOST = "gate.test"
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True,
         "has_touch": True, "locale": "zh-CN", "timezone_id": "Asia/Shanghai",
         # WeChat's in-app browser on Android
         "user_agent": ("Mozilla/5.0 (Linux; Android 14; V2304A) AppleWebKit/537.36 (KHTML, like Gecko) "
                        "Version/4.0 Chrome/130.0 Mobile Safari/537.36 MicroMessenger/8.0.50")}


def pytest_collection_modifyitems(config, items):
    here = os.path.dirname(__file__)
    skip = pytest.mark.skip(reason=f"{CHROMIUM} not installed (apt-get install chromium; "
                                   "`make test` does this as root)")
    for item in items:
        if str(item.fspath).startswith(here):
            item.add_marker(pytest.mark.browser)
            if not os.path.exists(CHROMIUM):
                item.add_marker(skip)


@pytest.fixture(scope="session")
def fake_camera_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("cam") / "camera.y4m"
    write_qr_y4m(path, "NOTHING-SCANNED-YET")
    return path


@pytest.fixture
def show_on_camera(fake_camera_file):
    """show_on_camera(text): the next getUserMedia() sees a QR code of ``text``."""
    return lambda text: write_qr_y4m(fake_camera_file, text)


def chromium_args(fake_camera_file, fake_ui=True):
    args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={fake_camera_file}",
            f"--host-resolver-rules=MAP {INSECURE_HOST} 127.0.0.1"]
    if fake_ui:
        args.append("--use-fake-ui-for-media-stream")
    return args


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, fake_camera_file):
    return {**browser_type_launch_args, "executable_path": CHROMIUM,
            "args": chromium_args(fake_camera_file)}


@pytest.fixture
def app_config(app_config):
    # The browser sends real CSRF tokens: keep protection on, as in production.
    return {**app_config, "WTF_CSRF_ENABLED": True}


@pytest.fixture
def live_server(app, db):
    """The test's app served on 127.0.0.1:<free port>; data the test commits is visible to it."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture
def phone(browser):
    """A phone-sized page in Chinese, like WeChat's in-app browser."""
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def gate_day(time_machine):
    """The server's clock at the gate tests' moment (tests/checkin/helpers.MOMENT), ticking."""
    from tests.checkin.helpers import pin_gate_day
    return pin_gate_day(time_machine, tick=True)
