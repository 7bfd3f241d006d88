"""The layout of 附件1 (活动情况报表): column groups and titles, shared by the XLSX and the page.

Titles can be overridden per edition (``Edition.report_titles``) so the college can follow
whatever template the province sends this year without a code change, and without rewording
last year's report.
"""
from dataclasses import dataclass

from .models import MEDIA_LEVELS
from .statistics import COUNTS, STAGE_LABELS, ActivityRow, Report


@dataclass(frozen=True)
class ReportColumn:
    key: str
    title: str
    kind: str = "number"  # "number" or "text"
    width: int = 7


@dataclass(frozen=True)
class ColumnGroup:
    #: None: a single column whose title spans both header rows
    key: str | None
    title: str
    columns: tuple[ReportColumn, ...]


def _single(key, title, kind="number", width=7):
    return ColumnGroup(None, "", (ReportColumn(key, title, kind, width),))


LAYOUT: tuple[ColumnGroup, ...] = (
    _single("seq", "序号", width=5),
    _single("category", "活动类别", "text", 9),
    _single("name", "活动名称", "text", 26),
    _single("departments", "牵头/责任单位", "text", 20),
    _single("dates", "活动时间", "text", 12),
    _single("slots", "活动场次"),
    _single("schools", "接待学校数（所）", width=9),
    ColumnGroup("group_stages", "参与人数（按学段，人）", tuple(
        ReportColumn(f"stage_{k}", v) for k, v in STAGE_LABELS.items())),
    ColumnGroup("group_visitors", "校外参与（人）", (
        ReportColumn("students", "学生"), ReportColumn("teachers", "教师"))),
    ColumnGroup("group_internal", "校内参与（人）", (
        ReportColumn("internal_teachers", "教师"), ReportColumn("internal_students", "学生"))),
    ColumnGroup("group_attendance", "预约与到场（人）", (
        ReportColumn("booked", "预约/报名"), ReportColumn("arrived", "实到"),
        ReportColumn("no_show", "爽约"))),
    ColumnGroup("group_media", "媒体报道（篇）", tuple(
        ReportColumn(f"media_{k}", v) for k, v in MEDIA_LEVELS.items())),
    _single("online_views", "网络浏览量（次）", width=10),
    _single("links", "图片/链接", "text", 30),
    _single("highlights", "活动亮点", "text", 30),
    _single("typical_case", "典型案例", "text", 30),
)


def default_titles() -> dict[str, str]:
    titles = {}
    for group in LAYOUT:
        if group.key:
            titles[group.key] = group.title
        for col in group.columns:
            titles[col.key] = col.title
    return titles


@dataclass(frozen=True)
class Header:
    """The header as shown: groups with their (possibly overridden) titles."""

    groups: list[tuple[str | None, list[tuple[ReportColumn, str]]]]

    @property
    def columns(self) -> list[ReportColumn]:
        return [c for _, cols in self.groups for c, _ in cols]

    def title(self, key: str) -> str:
        """A column's title as shown, with its group's (参与人数（按学段，人）· 小学)."""
        for group, cols in self.groups:
            for c, title in cols:
                if c.key == key:
                    return f"{group} · {title}" if group else title
        return key


def header(overrides: dict[str, str]) -> Header:
    def t(key, default):
        return overrides.get(key) or default

    return Header([(t(g.key, g.title) if g.key else None, [(c, t(c.key, c.title)) for c in g.columns])
                   for g in LAYOUT])


#: Columns only a department enters: blank in an activity's row until one does.
_TEXT_IN_TOTAL = ("seq", "category", "departments", "dates", "links", "highlights", "typical_case")


def cell(row: ActivityRow, key: str, *, total: bool = False):
    """The value of one report cell (None: a blank cell)."""
    if total and key in _TEXT_IN_TOTAL:
        return None
    if not total and not row.scanned and (key in COUNTS or key.startswith("stage_")):
        return None  # an activity nobody books or scans: its automatic figures mean nothing
    if key.startswith("stage_"):
        return row.by_stage[key.removeprefix("stage_")]
    if key.startswith("media_"):
        return row.media[key.removeprefix("media_")]
    if key == "name" and row.coordinating:
        return f"{row.name}（统筹，仅供参考，不计入本单位合计）"
    return getattr(row, key)


def number_keys() -> list[str]:
    return [c.key for g in LAYOUT for c in g.columns if c.kind == "number" and c.key != "seq"]


@dataclass(frozen=True)
class Mismatch:
    key: str
    college: int
    units: int


def reconcile(college: Report, departments: list[Report]) -> tuple[dict[str, int], list[Mismatch]]:
    """Σ unit sheets' 合计 per numeric column, and the columns where it differs from 全院汇总."""
    sums, mismatches = {}, []
    for key in number_keys():
        units = sum(cell(r.total, key, total=True) or 0 for r in departments)
        whole = cell(college.total, key, total=True) or 0
        sums[key] = units
        if units != whole:
            mismatches.append(Mismatch(key, whole, units))
    return sums, mismatches
