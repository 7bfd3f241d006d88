"""The parents' letter prints on one A4 page, with the visit's details and the return slip."""
import re

from playwright.sync_api import expect

from tests.factories import create_booking, create_event, create_slot, create_venue


def test_parents_letter_prints_on_one_a4_page(page, live_server, db):
    event = create_event(name="开放科普基地", content="参观化工安全体验馆，观看化学实验演示，"
                                                   "在老师指导下动手完成一项小实验。" * 3)
    slot = create_slot(event=event, venue=create_venue("全国化学会科普基地", building="精艺楼"))
    booking = create_booking(slot, school_name="株洲市第二中学", students=45, teachers=3,
                             leader_name="王老师", leader_mobile="13812345678")
    db.session.commit()

    page.goto(f"{live_server}/b/{booking.manage_token}")
    page.get_by_role("link", name="打印家长告知书").click()
    letter = page.locator("#letter")
    expect(letter).to_contain_text("致家长的一封信")
    expect(letter).to_contain_text("株洲市第二中学将于")
    expect(letter).to_contain_text("全国化学会科普基地 · 精艺楼")
    expect(letter).to_contain_text(f"{slot.local_day.month}月{slot.local_day.day}日")
    expect(letter).to_contain_text("带队教师：王老师，电话：13812345678")
    expect(page.get_by_role("region", name="回执")).to_contain_text("家长签名")

    pdf = page.pdf(format="A4", print_background=True)
    pages = re.findall(rb"/Type\s*/Page\b", pdf)
    assert len(pages) == 1, f"printed on {len(pages)} pages"
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="打印家长告知书")).to_be_hidden()
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".return-slip")).to_be_visible()
