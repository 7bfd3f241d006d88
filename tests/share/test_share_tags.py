"""Share tags: a link to the programme, the slot picker or a slot shows a title, a description and
an image in WeChat and other messengers — absolute URLs under PUBLIC_BASE_URL."""
from html.parser import HTMLParser

import pytest

from tests.factories import create_slot, create_venue


class Meta(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        key = attrs.get("property") or attrs.get("name") or attrs.get("itemprop")
        if tag == "meta" and key:
            self.tags.setdefault(key, attrs.get("content"))


def share_tags(client, path):
    response = client.get(path)
    assert response.status_code == 200
    parser = Meta()
    parser.feed(response.get_data(as_text=True))
    return parser.tags


@pytest.fixture
def app_config(app_config):
    return {**app_config, "PUBLIC_BASE_URL": "https://zjz.hnhgzy.edu.cn"}


@pytest.fixture
def slot(db):
    slot = create_slot(venue=create_venue("全国化学会科普基地"))
    db.session.commit()
    return slot


def test_programme_booking_and_slot_pages_carry_share_tags(client, slot):
    edition = slot.event.edition
    pages = {"/": edition.title, "/book": "学校团体预约", f"/book/{slot.id}": slot.event.name}
    for path, title in pages.items():
        tags = share_tags(client, path)
        assert title in tags["og:title"] and tags["og:title"] == tags["name"], path
        assert tags["og:description"] and tags["description"] == tags["og:description"]
        assert tags["og:url"] == f"https://zjz.hnhgzy.edu.cn{path}"
        assert tags["og:image"] == "https://zjz.hnhgzy.edu.cn/static/img/share.png"
        assert tags["image"] == tags["og:image"]  # itemprop="image", read by WeChat
    assert "全国化学会科普基地" in share_tags(client, f"/book/{slot.id}")["og:description"]
    assert "一技在手" in share_tags(client, "/")["og:title"]


def test_the_share_image_is_a_square_png_messengers_accept(client, slot):
    import io

    from PIL import Image
    response = client.get("/static/img/share.png")
    image = Image.open(io.BytesIO(response.data))
    assert image.format == "PNG" and image.size[0] == image.size[1] >= 300


def test_the_programme_links_to_its_poster(client, slot):
    page = client.get("/").get_data(as_text=True)
    assert 'href="/poster"' in page
    poster = client.get("/poster").get_data(as_text=True)
    assert slot.event.edition.title in poster and "https://zjz.hnhgzy.edu.cn/" in poster
