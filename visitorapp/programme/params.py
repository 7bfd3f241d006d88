"""``?edition=YEAR``: the one meaning of the edition parameter on every page and export.

Staff pages and exports name an edition by its year (``?edition=2026``). Links from before
this rule — the console's ``?year=2026`` and the exports' ``?edition=<id>`` — are redirected
once to the same page with the year (``redirect_legacy``). A value no edition can have (a word,
a huge number) is a 400 or 404 with a Chinese message, never a database error.
"""
from flask import redirect, request, url_for

from ..errors import InvalidInput, NotFound
from ..extensions import db
from ..timeutil import local_today
from .models import Edition
from .services import current_edition, edition_by_year

#: Years an edition may have (the console's copy form accepts the same range).
YEAR_MIN, YEAR_MAX = 2000, 2999


def parse_year(raw: str) -> int:
    """A year the URL may name, or InvalidInput (400) for anything else."""
    raw = raw.strip()
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 4):
        raise InvalidInput("edition_invalid", "年度参数应为四位年份，例如 ?edition=2026。")
    return int(raw)


def requested_edition() -> Edition:
    """The edition ``?edition=YEAR`` names, else the current one (NotFound: none)."""
    raw = request.args.get("edition", "")
    if not raw.strip():
        edition = current_edition(local_today())  # the clock is read here, at the edge
        if edition is None:
            raise NotFound("no_edition", "还没有任何年度的活动周。")
        return edition
    year = parse_year(raw)
    edition = edition_by_year(year) if YEAR_MIN <= year <= YEAR_MAX else None
    if edition is None:
        raise NotFound("edition_not_found", f"没有{year}年的活动周。")
    return edition


def redirect_legacy():
    """before_request: ``?year=Y`` and ``?edition=<id>`` become ``?edition=Y`` (308 keeps a POST)."""
    args = request.args.to_dict(flat=False)
    year = None
    if "year" in args:
        year = parse_year(args.pop("year")[0])
    elif "edition" in args:
        raw = args["edition"][0].strip()
        if raw.isascii() and raw.isdigit() and len(raw) <= 4 and int(raw) < YEAR_MIN:
            edition = db.session.get(Edition, int(raw))  # an id from an old link
            if edition is None:
                raise NotFound("edition_not_found", "链接中的活动周不存在。")
            year = edition.year
    if year is None or request.endpoint is None:
        return None
    args["edition"] = [str(year)]
    return redirect(url_for(request.endpoint, **(request.view_args or {}), **args), code=308)
