"""QR codes of ticket tokens, drawn by the ``qrcode`` library on request and never stored.

Error correction M keeps the code small (a 34-character token is QR version 2) while a crumpled
print-out or a cracked phone screen still reads; the 4-module quiet zone is what scanners expect.
"""
import io
import re

import qrcode
from markupsafe import escape
from qrcode.image.svg import SvgPathFillImage

ERROR_CORRECTION = qrcode.constants.ERROR_CORRECT_M
QUIET_ZONE = 4
#: Pixels per module of the PNG: 37 modules × 10 = 370 px, sharp when printed at 40 mm.
PNG_BOX_SIZE = 10

_SIZE_ATTRS = re.compile(r'\s(?:width|height)="[^"]*"')


def build(token: str) -> qrcode.QRCode:
    """The smallest QR code (version) that holds ``token`` at error correction M."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECTION, border=QUIET_ZONE)
    code.add_data(token)
    code.make(fit=True)
    return code


def svg(token: str, label: str = "入场码") -> str:
    """An inline ``<svg>`` element (white background, sized by CSS through its viewBox)."""
    text = build(token).make_image(image_factory=SvgPathFillImage).to_string(encoding="unicode")
    head, _, rest = text.partition(">")
    # Width and height in mm would fix the size; the page scales the code with CSS instead.
    head = _SIZE_ATTRS.sub("", head)
    return f'{head} role="img" aria-label="{escape(label)}" class="qr">{rest}'


def png(token: str, box_size: int = PNG_BOX_SIZE) -> bytes:
    """A black-on-white PNG for download, email and printing."""
    code = build(token)
    code.box_size = box_size
    buffer = io.BytesIO()
    code.make_image().save(buffer, format="PNG")
    return buffer.getvalue()
