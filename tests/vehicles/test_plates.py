"""Mainland plates: ordinary (7), new-energy small and large (8), typed any way people type them."""
import pytest

from visitorapp.vehicles import plates


@pytest.mark.parametrize(("typed", "plate"), [
    ("湘A12345", "湘A12345"),
    ("湘a·12345", "湘A12345"),
    ("湘 A 123 45", "湘A12345"),
    ("湘ＡＤ１２３４５", "湘AD12345"),  # full-width from a Chinese keyboard
    ("湘AD12345", "湘AD12345"),        # new energy, small (pure electric)
    ("粤BF12345", "粤BF12345"),        # new energy, small (hybrid)
    ("京AK12345", "京AK12345"),        # new energy, the letters added in 2021
    ("湘A12345D", "湘A12345D"),        # new energy, large (buses)
    ("湘A1234学", "湘A1234学"),        # driving-school car
])
def test_valid_plates(typed, plate):
    assert plates.normalise(typed) == plate and plates.error(plate) is None


@pytest.mark.parametrize(("typed", "message"), [
    ("A12345", "第一位应为省份简称"),
    ("湘A1234", "普通车牌7位，新能源车牌8位"),
    ("湘AI2345", "字母不含I、O"),
    ("湘AO12345", "字母不含I、O"),
    ("湘AD1234X", "请核对"),        # the small new-energy plate ends in four digits
    ("湘A12345X", "请核对"),        # the large one ends in D or F
    ("湘A123456", "请核对"),
    ("=cmd|'/C calc'!A0", "第一位应为省份简称"),
])
def test_invalid_plates_name_the_problem(typed, message):
    problem = plates.error(plates.normalise(typed))
    assert problem and message in problem


def test_split_reads_lines_commas_and_enumeration_commas():
    assert plates.split("湘A12345\n湘ad12345，湘A12345D、 \n") == ["湘A12345", "湘AD12345", "湘A12345D"]
