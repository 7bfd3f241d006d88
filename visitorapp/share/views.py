"""Share tags (a template global every page's <head> uses) and the programme poster."""
from urllib.parse import urlsplit

from flask import Blueprint, current_app, render_template, request
from markupsafe import Markup

from ..outbox.links import public_url
from ..programme import services as programme
from ..tickets import qr
from ..timeutil import local_today

bp = Blueprint("share", __name__)

SITE_NAME = "湖南化工职业技术学院 · 职业教育活动周"
DEFAULT_DESCRIPTION = ("职业教育活动周：开放科普基地与实训场地，学校团体在线预约参观、体验职业技能；"
                       "招聘会、简历门诊等活动个人报名。")


def share_meta(title: str | None = None, description: str | None = None) -> dict:
    """What the share tags say: absolute URLs under PUBLIC_BASE_URL (the address messengers
    fetch), the page's own path, and the site's image."""
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    path = request.full_path.rstrip("?") if request else "/"
    return {
        "title": title or SITE_NAME,
        "description": " ".join((description or DEFAULT_DESCRIPTION).split())[:120],
        "url": base + path,
        "image": public_url("static", filename="img/share.png"),
        "site_name": SITE_NAME,
    }


@bp.get("/poster")
def poster():
    """宣传海报: the week on one printable A4 page, with a QR code of the programme's URL for the
    college's 公众号 and notice boards."""
    edition = programme.current_edition(local_today())
    url = public_url("programme.index")
    qr_svg = Markup(qr.svg(url, label="活动周日程二维码"))  # noqa: S704 - our own SVG
    return render_template("share/poster.html", edition=edition, programme_url=url, qr_svg=qr_svg,
                           host=urlsplit(url).netloc)


def init_app(app) -> None:
    app.register_blueprint(bp)
    app.add_template_global(share_meta, "share_meta")
