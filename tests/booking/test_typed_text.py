"""Text kept as typed: Chinese punctuation is never rewritten for storage or display (only full-width
letters and digits, from an IME left on, become half-width); matching folds both spellings."""
import csv
import io

import openpyxl
import sqlalchemy as sa

from tests.booking.helpers import form_data
from tests.factories import create_slot, create_user
from visitorapp.booking.models import Booking
from visitorapp.tickets.tokens import token_for
from visitorapp.validators import match_key, normalise_text

SCHOOL = "株洲市第二中学（初中部）"
GRADES = "七年级：1班"


def test_school_and_grades_come_back_unchanged_on_the_letter_and_in_exports(client, db, login):
    slot = create_slot(capacity=100)
    db.session.commit()
    response = client.post(f"/book/{slot.id}", data=form_data(
        school_name=f" {SCHOOL} ", grades="七年级：１班"))  # a full-width digit from the IME
    assert response.status_code == 302
    booking = db.session.scalar(sa.select(Booking))
    assert (booking.school_name, booking.grades) == (SCHOOL, GRADES)

    letter = client.get(f"/ticket/{token_for(booking)}").get_data(as_text=True)
    assert f"{SCHOOL}（初中 · {GRADES}）" in letter and "(初中部)" not in letter

    login(create_user())
    edition = slot.event.edition.year
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(
        f"/reports/exports/bookings.xlsx?edition={edition}").get_data())).active
    header = [c.value for c in sheet[1]]
    [row, total] = list(sheet.iter_rows(min_row=2, values_only=True))  # the booking, then 合计
    assert str(total[0]).startswith("合计")
    assert row[header.index("学校")] == SCHOOL
    assert GRADES in row
    text = client.get(f"/reports/exports/bookings.csv?edition={edition}").get_data().decode("utf-8-sig")
    [csv_row, _total] = list(csv.reader(io.StringIO(text)))[1:]
    assert SCHOOL in csv_row and GRADES in csv_row


def test_normalising_keeps_punctuation_and_matching_folds_it():
    assert normalise_text("  株洲市第二中学（初中部）\u3000 ") == SCHOOL
    assert normalise_text("七年级：１班") == GRADES
    assert normalise_text("ＡＢＣ１２３") == "ABC123"
    assert match_key(SCHOOL) == match_key("株洲市第二中学 (初中部)")
