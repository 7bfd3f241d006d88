"""The college report as one XLSX in 附件1's layout: 全院汇总 first, then one sheet per 填报单位.

全院汇总 ends with the reconciliation line: Σ of the unit sheets' 合计 for every numeric column
and whether it equals the college's. Every title and text is written as a string (column
titles are typed by organizers: ``=HYPERLINK(…)`` must stay text). The file's own metadata is
fixed to the day it describes, so the same report downloaded twice is the same bytes.
"""
import re
from datetime import date, datetime

import xlsxwriter

from ..timeutil import local
from . import layout
from .spreadsheet import safe_text
from .statistics import Report


def report_title(report: Report) -> str:
    return f"{report.edition.year}年职业教育活动周活动情况报表"


def write_report_workbook(path: str, college: Report, departments: list[Report],
                          submitted: dict[int, object], titles: dict[str, str],
                          today: date) -> None:
    workbook = xlsxwriter.Workbook(path)
    workbook.set_properties({"title": report_title(college),
                             "created": datetime.combine(today, datetime.min.time())})
    formats = _formats(workbook)
    head = layout.header(titles)
    used: set[str] = set()
    ws, next_row = _sheet(workbook, _sheet_name("全院汇总", used), college, today, head, formats)
    _reconciliation(ws, next_row, head, college, departments, formats)
    for report in departments:
        at = submitted.get(report.department.id)
        _sheet(workbook, _sheet_name(report.department.name, used), report,
               local(at).date() if at else None, head, formats)
    workbook.close()


def _reconciliation(ws, row_no: int, head: layout.Header, college: Report,
                    departments: list[Report], f) -> None:
    """核对 line under 全院汇总's 合计: Σ unit sheets per numeric column, then the verdict."""
    sums, mismatches = layout.reconcile(college, departments)
    for i, c in enumerate(head.columns):
        if c.key in sums:
            ws.write_number(row_no, i, sums[c.key], f["check_number"])
        elif c.key == "name":
            ws.write_string(row_no, i, "核对：各单位分表合计之和", f["check_text"])
        else:
            ws.write_blank(row_no, i, None, f["check_text"])
    if mismatches or college.unhosted:
        text = "不一致：" + "；".join(f"{head.title(m.key)} 全院{m.college}、各单位{m.units}"
                                   for m in mismatches)
        if college.unhosted:
            text += f"；{len(college.unhosted)}个场次没有接待单位"
        fmt = f["alarm"]
    else:
        text, fmt = "一致：各单位分表之和等于全院汇总（每一列）", f["meta"]
    ws.merge_range(row_no + 1, 0, row_no + 1, len(head.columns) - 1, "", fmt)
    ws.write_string(row_no + 1, 0, safe_text(text), fmt)


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
        "coord_text": wb.add_format({**border, "text_wrap": True, "italic": True,
                                     "font_color": "#666666"}),
        "coord_number": wb.add_format({**border, "italic": True, "font_color": "#666666",
                                       "num_format": "0"}),
        "check_text": wb.add_format({**border, "italic": True}),
        "check_number": wb.add_format({**border, "italic": True, "num_format": "0"}),
        "alarm": wb.add_format({"bold": True, "font_color": "#C00000"}),
    }


def _sheet_name(name: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "", name)[:28] or "单位"
    candidate, n = base, 2
    while candidate in used:
        candidate, n = f"{base}{n}", n + 1
    used.add(candidate)
    return candidate


def _merged_text(ws, first_row, first_col, last_row, last_col, text: str, fmt) -> None:
    """merge_range would write a title starting with "=" as a formula: merge empty, then text."""
    ws.merge_range(first_row, first_col, last_row, last_col, "", fmt)
    ws.write_string(first_row, first_col, safe_text(text), fmt)


def _sheet(wb, name: str, report: Report, filled_on: date | None, head: layout.Header, f):
    """One sheet in 附件1's layout; returns it and the first row under its 合计."""
    ws = wb.add_worksheet(name)
    columns = head.columns
    last = len(columns) - 1
    _merged_text(ws, 0, 0, 0, last, report_title(report), f["title"])
    ws.set_row(0, 30)
    half = last // 2
    _merged_text(ws, 1, 0, 1, half, f"填报单位：{report.unit_name}", f["meta"])
    when = f"{filled_on.year}年{filled_on.month}月{filled_on.day}日" if filled_on else "（未提交）"
    _merged_text(ws, 1, half + 1, 1, last, f"填报时间：{when}", f["meta"])
    col = 0
    for group_title, cols in head.groups:
        if group_title is None:
            c, title = cols[0]
            _merged_text(ws, 2, col, 3, col, title, f["head"])
        else:
            if len(cols) > 1:
                _merged_text(ws, 2, col, 2, col + len(cols) - 1, group_title, f["head"])
            else:
                ws.write_string(2, col, safe_text(group_title), f["head"])
            for i, (_, title) in enumerate(cols):
                ws.write_string(3, col + i, safe_text(title), f["head"])
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
    return ws, row_no + 1


def _write_row(ws, row_no, columns, row, f, *, total: bool) -> None:
    prefix = "total_" if total else ("coord_" if row.coordinating else "")
    for i, c in enumerate(columns):
        value = layout.cell(row, c.key, total=total)
        if value is None or value == "":
            ws.write_blank(row_no, i, None, f[prefix + "text"])
        elif c.kind == "number":
            ws.write_number(row_no, i, value, f[prefix + "number"])
        else:
            ws.write_string(row_no, i, safe_text(value), f[prefix + "text"])
