"""Tickets rendered per second: the ticket QR as SVG and as PNG, beside a bare `qrcode` call.

    python bench/tickets.py [--seconds 2]

The baselines draw the same token with qrcode's defaults and nothing else (no token signing, no
markup clean-up), in the same run, so the ratio shows what our rendering costs over the library.
The HTTP figures add the Flask view (token check, database lookup, headers) through the test client.
"""
import argparse
import io
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

import qrcode  # noqa: E402
from qrcode.image.svg import SvgPathFillImage  # noqa: E402


def rate(fn, seconds: float) -> float:
    fn()  # warm up
    count, began = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - began) < seconds:
        fn()
        count += 1
    return count / elapsed


def bare_png(token: str) -> bytes:
    buffer = io.BytesIO()
    qrcode.make(token, error_correction=qrcode.constants.ERROR_CORRECT_M).save(buffer, format="PNG")
    return buffer.getvalue()


def bare_svg(token: str) -> str:
    return qrcode.make(token, image_factory=SvgPathFillImage,
                       error_correction=qrcode.constants.ERROR_CORRECT_M).to_string(encoding="unicode")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="time per measurement")
    args = parser.parse_args()

    from visitorapp import create_app
    from visitorapp.extensions import db
    from visitorapp.tickets import qr, tokens

    workdir = tempfile.mkdtemp(prefix="bench-tickets-")
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir}/bench.sqlite3"})
    with app.app_context():
        db.create_all()
        from tests.factories import create_booking
        booking = create_booking()
        db.session.commit()
        token = tokens.token_for(booking)
        client = app.test_client()
        assert client.get(f"/ticket/{token}.png").status_code == 200

        rows = [
            ("SVG", rate(lambda: qr.svg(token), args.seconds),
             rate(lambda: bare_svg(token), args.seconds)),
            ("PNG", rate(lambda: qr.png(token), args.seconds),
             rate(lambda: bare_png(token), args.seconds)),
        ]
        http_png = rate(lambda: client.get(f"/ticket/{token}.png"), args.seconds)
        http_page = rate(lambda: client.get(f"/ticket/{token}"), args.seconds)
        etag = client.get(f"/ticket/{token}.png").headers["ETag"]
        http_cached = rate(lambda: client.get(f"/ticket/{token}.png", headers={"If-None-Match": etag}),
                           args.seconds)

    print(f"QR version {qr.build(token).version} at level M, token {len(token)} characters")
    print(f"{'format':<8}{'tickets/s':>12}{'bare qrcode/s':>16}{'ratio':>8}")
    for name, ours, bare in rows:
        print(f"{name:<8}{ours:>12.0f}{bare:>16.0f}{ours / bare:>8.2f}")
    bare_png_rate = rows[1][2]
    print(f"HTTP ticket PNG     {http_png:>8.0f}/s  ratio to bare PNG {http_png / bare_png_rate:.2f}")
    print(f"HTTP PNG 304 (ETag) {http_cached:>8.0f}/s  ratio to bare PNG {http_cached / bare_png_rate:.2f}")
    print(f"HTTP ticket page    {http_page:>8.0f}/s  ratio to bare SVG {http_page / rows[0][2]:.2f}")


if __name__ == "__main__":
    main()
