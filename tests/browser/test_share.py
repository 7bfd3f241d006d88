"""The programme poster: its QR code, photographed off the screen, decodes to the programme's URL,
and the poster prints on one A4 page; the share tags are in the page a messenger fetches."""
import re

from playwright.sync_api import expect

from tests.factories import create_slot
from tests.mailserver import decode_qr


def test_poster_qr_decodes_to_the_programme_url(page, live_server, db, app):
    slot = create_slot()
    db.session.commit()
    page.goto(live_server)
    assert page.locator("meta[property='og:title']").get_attribute("content").startswith(
        slot.event.edition.title)
    page.get_by_role("link", name="宣传海报（打印、扫码分享）").click()
    poster = page.locator("#poster")
    expect(poster).to_contain_text(slot.event.edition.title)
    qr = poster.locator("svg.qr")
    expect(qr).to_be_visible()
    programme_url = app.config["PUBLIC_BASE_URL"].rstrip("/") + "/"
    assert decode_qr(qr.screenshot()) == [programme_url]

    pdf = page.pdf(format="A4", print_background=True)
    pages = re.findall(rb"/Type\s*/Page\b", pdf)
    assert len(pages) == 1, f"printed on {len(pages)} pages"
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="打印海报（A4）")).to_be_hidden()
    assert decode_qr(qr.screenshot()) == [programme_url]
