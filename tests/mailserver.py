"""A real SMTP server on loopback (aiosmtpd) for mail tests, and helpers to read what it got.

Use the ``smtp_server`` fixture (imported by tests/tickets and tests/outbox conftest modules):
its ``app_config`` makes the app send there with Flask-Mail as in production.
"""
import email
import socket
import threading
from email import policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    """aiosmtpd handler that keeps every message it accepts, parsed."""

    def __init__(self):
        self.messages: list[EmailMessage] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"


class SMTPServer:
    """A loopback SMTP server on a fixed free port that a test can stop and start again."""

    def __init__(self):
        self.port = free_port()
        self.inbox = Inbox()
        self._controller: Controller | None = None

    @property
    def messages(self) -> list[EmailMessage]:
        return self.inbox.messages

    @property
    def config(self) -> dict:
        return {"MAIL_SUPPRESS_SEND": False, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": self.port,
                "MAIL_USE_TLS": False, "MAIL_TIMEOUT": 5}

    def start(self) -> None:
        if self._controller is None:
            self._controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
            self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@pytest.fixture
def smtp_server():
    server = SMTPServer()
    server.start()
    yield server
    server.stop()


def attachments(message: EmailMessage) -> dict[str, EmailMessage]:
    """Parts with a filename, by filename."""
    return {part.get_filename(): part for part in message.walk() if part.get_filename()}


def body(message: EmailMessage, subtype: str) -> str:
    return message.get_body(preferencelist=(subtype,)).get_content()


def decode_qr(png: bytes) -> list[str]:
    """Every QR code a real decoder (ZXing C++) finds in a PNG."""
    import io

    import zxingcpp
    from PIL import Image
    return [b.text for b in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]
