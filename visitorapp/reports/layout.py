"""The layout of 附件1 (活动情况报表): column groups and titles, shared by the XLSX and the page.

Titles can be overridden (ReportSetting ``title.<key>``) so the college can follow whatever
template the province sends this year without a code change.
"""
from dataclasses import dataclass

from .models import MEDIA_LEVELS
from .statistics import STAGE_LABELS, ActivityRow


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
        ReportColumn("booked", "预约"), ReportColumn("arrived", "实到"),
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


def header(overrides: dict[str, str]) -> Header:
    def t(key, default):
        return overrides.get(key) or default

    return Header([(t(g.key, g.title) if g.key else None, [(c, t(c.key, c.title)) for c in g.columns])
                   for g in LAYOUT])


def cell(row: ActivityRow, key: str, *, total: bool = False):
    """The value of one report cell (None for cells a total row leaves blank)."""
    if key.startswith("stage_"):
        return row.by_stage[key.removeprefix("stage_")]
    if key.startswith("media_"):
        return row.media[key.removeprefix("media_")]
    if total and key in ("seq", "category", "departments", "dates", "links", "highlights",
                         "typical_case"):
        return None
    return getattr(row, key)
