from tests.mailserver import smtp_server  # noqa: F401 - fixture
