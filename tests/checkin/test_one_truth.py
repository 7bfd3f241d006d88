"""One fact, one function: no reader counts who is on site, who arrived or who is a no-show by
itself. The facts live in visitorapp/checkin/counts.py (on site, arrived) and
visitorapp/booking/noshows.py (爽约); every page, API, export and report imports them."""
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "visitorapp"
#: Where the facts are kept and decided; everything else is a reader.
OWNERS = {"checkin/models.py", "checkin/counts.py", "checkin/presence.py", "booking/noshows.py",
          "booking/models.py"}
#: The readers the issue names, and every other module of the features that show figures.
READER_DIRS = ("checkin", "console", "reports", "api", "booking", "registration", "waitlist")

FORBIDDEN = {
    # Presence is stored in these rows: only the owners read them.
    r"\b(Presence|Attendance)\s*\.": "reads presence rows instead of checkin.counts",
    r"import[^\n]*\b(Presence|Attendance)\b": "imports the presence rows instead of checkin.counts",
    # Summing scans is how the five definitions came about.
    r"CheckIn\.(students|teachers|arrived_students|arrived_teachers|direction)\b":
        "counts persons from scans instead of checkin.counts",
    # The nightly job's record of 爽约 is not the rule.
    r"\bno_show_at\b": "reads the stored no-show flag instead of booking.noshows.no_show(now)",
    # "The slot has ended" next to "nobody came" is the no-show rule written again.
    r"ends_at\s*(<=?|>=?)\s*(now|utcnow\(\))|(now|utcnow\(\))\s*(<=?|>=?)\s*\w*\.?ends_at":
        "decides whether a slot ended (the no-show rule) by itself",
}


def readers():
    for folder in READER_DIRS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            name = path.relative_to(ROOT).as_posix()
            if name not in OWNERS:
                yield name, path.read_text(encoding="utf-8")


@pytest.mark.parametrize("pattern,why", FORBIDDEN.items())
def test_no_reader_computes_presence_or_no_show_by_itself(pattern, why):
    offenders = [name for name, text in readers() if re.search(pattern, text)]
    assert offenders == [], f"{why}: {offenders}"


def test_templates_ask_the_facts_too():
    """A page shows the figure its view got from the facts, never a booking's stored flag."""
    templates = Path(__file__).resolve().parents[2] / "templates"
    offenders = [p.relative_to(templates).as_posix() for p in templates.rglob("*.html")
                 if re.search(r"no_show_at|\b(booking|b)\.no_show\b", p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_the_readers_really_call_the_facts():
    """The modules the issue names import the one functions (not a copy of them)."""
    calls = {"console/live.py": ("counts.on_site", "counts.venue_counts", "counts.arrived_by_slot",
                                 "no_show(now)"),
             "reports/roster.py": ("counts.inside",),
             "reports/exports.py": ("counts.arrivals", "no_show(now)"),
             "reports/statistics.py": ("counts.arrivals", "no_show("),
             "console/bookings.py": ("no_show(now)",),
             "checkin/api.py": ("summary(",),
             "checkin/services.py": ("counts.on_site", "counts.inside")}
    for name, needles in calls.items():
        text = (ROOT / name).read_text(encoding="utf-8")
        assert all(n in text for n in needles), (name, [n for n in needles if n not in text])


def test_docs_gate_explains_every_answer_the_gate_shows():
    repo = Path(__file__).resolve().parents[2]
    titles = re.findall(r'"(\w+)": "([^"]+)"', (repo / "templates/checkin/_results.html").read_text())
    doc = (repo / "docs/gate.md").read_text(encoding="utf-8")
    from visitorapp.checkin.models import CheckInResult
    assert {r.value for r in CheckInResult} <= {code for code, _ in titles}
    assert [title for _, title in titles if title not in doc] == []
