"""Mainland China licence plates (GA 36-2018): the one normaliser and validator.

* ordinary plates: province + issuing-office letter + 5 letters/digits (湘A12345, 湘AB123学);
* new-energy plates, 8 characters: small vehicles 湘A + D/F (and since 2021 A–K) + 5
  (湘AD12345, 湘AF1234X is not valid: the last four are digits); large ones 湘A + 5 digits + D/F
  (湘A12345D).
Letters I and O are never used (they read as 1 and 0).
"""
import re
import unicodedata

PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_L = "A-HJ-NP-Z"  # letters without I and O
ORDINARY = re.compile(rf"^[{PROVINCES}][{_L}][{_L}0-9]{{4}}[{_L}0-9挂学警港澳]$")
NEW_ENERGY = re.compile(rf"^[{PROVINCES}][{_L}](?:[A-HJK][{_L}0-9][0-9]{{4}}|[0-9]{{5}}[DF])$")
#: What people type between the parts: spaces, the middle dot of the plate, hyphens.
SEPARATORS = re.compile(r"[\s·•・\.\-_]+")


def normalise(value: str | None) -> str:
    """湘a·12345 / ＸＹ full-width / spaces → 湘A12345."""
    value = unicodedata.normalize("NFKC", value or "")
    return SEPARATORS.sub("", value).upper()


def is_new_energy(plate: str) -> bool:
    return bool(NEW_ENERGY.match(plate))


def error(plate: str) -> str | None:
    """None for a valid (normalised) plate, else a Chinese message naming it."""
    if ORDINARY.match(plate) or NEW_ENERGY.match(plate):
        return None
    shown = plate[:12]
    if not plate or plate[0] not in PROVINCES:
        return f"车牌“{shown}”格式不正确：第一位应为省份简称，如“湘”。"
    if len(plate) not in (7, 8):
        return f"车牌“{shown}”格式不正确：普通车牌7位，新能源车牌8位。"
    return f"车牌“{shown}”格式不正确，请核对（字母不含I、O）。"


def split(text: str | None) -> list[str]:
    """Plates typed in one box: separated by new lines, commas or 、; each normalised."""
    parts = re.split(r"[\n,，、;；]+", unicodedata.normalize("NFKC", text or ""))
    return [p for p in (normalise(part) for part in parts) if p]
