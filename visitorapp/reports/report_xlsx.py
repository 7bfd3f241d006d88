"""The college report as one XLSX in 附件1's layout: 全院汇总 first, then one sheet per 填报单位."""
import re
from datetime import date

import xlsxwriter

from ..timeutil import local, local_today
from . import layout
from .spreadsheet import safe_text
from .statistics import Report


def report_title(report: Report) -> str:
    return f"{report.edition.year}年职业教育活动周活动情况报表"


def write_report_workbook(path: str, college: Report, departments: list[Report],
                          submitted: dict[int, object], titles: dict[str, str]) -> None:
    workbook = xlsxwriter.Workbook(path)
    formats = _formats(workbook)
    head = layout.header(titles)
    used: set[str] = set()
    _sheet(workbook, _sheet_name("全院汇总", used), college, local_today(), head, formats)
    for report in departments:
        at = submitted.get(report.department.id)
        _sheet(workbook, _sheet_name(report.department.name, used), report,
               local(at).date() if at else None, head, formats)
    workbook.close()


def _formats(wb) -> dict:
    border = {"border": 1, "valign": "vcenter"}
    return {
        "title": wb.add_format({"bold": True, "font_size": 16, "align": "center", "valign": "vcenter"}),
        "meta": wb.add_format({"font_size": 11}),
        "head": wb.add_format({**border, "bold": True, "align": "center", "text_wrap": True,
                               "bg_color": "#E8EEF7"}),
        "text": wb.add_format({**border, "text_wrap": True}),
        "number": wb.add_format({**border, "num_format": "0"}),
        "total_text": wb.add_format({**border, "bold": True}),
        "total_number": wb.add_format({**border, "bold": True, "num_format": "0"}),
    }


def _sheet_name(name: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "", name)[:28] or "单位"
    candidate, n = base, 2
    while candidate in used:
        candidate, n = f"{base}{n}", n + 1
    used.add(candidate)
    return candidate


def _sheet(wb, name: str, report: Report, filled_on: date | None, head: layout.Header, f) -> None:
    ws = wb.add_worksheet(name)
    columns = head.columns
    last = len(columns) - 1
    ws.merge_range(0, 0, 0, last, report_title(report), f["title"])
    ws.set_row(0, 30)
    half = last // 2
    ws.merge_range(1, 0, 1, half, safe_text(f"填报单位：{report.unit_name}"), f["meta"])
    when = f"{filled_on.year}年{filled_on.month}月{filled_on.day}日" if filled_on else "（未提交）"
    ws.merge_range(1, half + 1, 1, last, f"填报时间：{when}", f["meta"])
    col = 0
    for group_title, cols in head.groups:
        if group_title is None:
            c, title = cols[0]
            ws.merge_range(2, col, 3, col, title, f["head"])
        else:
            if len(cols) > 1:
                ws.merge_range(2, col, 2, col + len(cols) - 1, group_title, f["head"])
            else:
                ws.write_string(2, col, group_title, f["head"])
            for i, (_, title) in enumerate(cols):
                ws.write_string(3, col + i, title, f["head"])
        col += len(cols)
    for i, c in enumerate(columns):
        ws.set_column(i, i, c.width)
    ws.set_row(2, 30)
    ws.set_row(3, 30)
    row_no = 4
    for row in report.rows:
        _write_row(ws, row_no, columns, row, f, total=False)
        row_no += 1
    _write_row(ws, row_no, columns, report.total, f, total=True)
    ws.freeze_panes(4, 3)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(2, 3)


def _write_row(ws, row_no, columns, row, f, *, total: bool) -> None:
    prefix = "total_" if total else ""
    for i, c in enumerate(columns):
        value = layout.cell(row, c.key, total=total)
        if value is None or value == "":
            ws.write_blank(row_no, i, None, f[prefix + "text"])
        elif c.kind == "number":
            ws.write_number(row_no, i, value, f[prefix + "number"])
        else:
            ws.write_string(row_no, i, safe_text(value), f[prefix + "text"])
