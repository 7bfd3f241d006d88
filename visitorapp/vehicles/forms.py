"""车辆信息 forms: on the booking form and the management page (same fields), and the settings."""
from wtforms import IntegerField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange, Optional, ValidationError

from .. import validators as v
from ..forms import ChineseForm
from . import plates as plate_rules
from .models import ARRIVAL_LABELS
from .services import MAX_VEHICLES, TransportDetails


class TransportForm(ChineseForm):
    """到校方式 and, for vehicles, how many, their plates (may follow later) and the entrance."""

    arrival = SelectField("到校方式", default="walk", validate_choice=False,
                          choices=[SelectChoice(k, label) for k, label in ARRIVAL_LABELS.items()])
    vehicle_count = IntegerField("车辆数", validators=[
        Optional(), NumberRange(1, MAX_VEHICLES, f"车辆数应为1–{MAX_VEHICLES}之间的整数。")])
    plates = TextAreaField("车牌号（每行一个，可稍后在管理页面补充）", validators=[Optional()],
                           description="如：湘A12345；新能源车牌8位，如：湘AD12345")
    entrance = SelectField("车辆入口", choices=[], validate_choice=False)

    def with_entrances(self, entrances: list[str]) -> "TransportForm":
        self.entrance.choices = [SelectChoice(e, e) for e in entrances]
        return self

    def validate_arrival(self, field):
        if field.data not in ARRIVAL_LABELS:
            raise ValidationError("请从列表中选择到校方式。")

    def validate_plates(self, field):
        text = field.data or ""
        if len(text) > 400 or v.CONTROL_RE.search(text.replace("\n", "").replace("\r", "")):
            raise ValidationError("车牌号填写有误，请每行填写一个车牌。")
        for plate in plate_rules.split(text):
            problem = plate_rules.error(plate)
            if problem:
                raise ValidationError(problem)

    def details(self) -> TransportDetails:
        walk = self.arrival.data == "walk"
        return TransportDetails(mode=self.arrival.data,
                                vehicles=0 if walk else (self.vehicle_count.data or 0),
                                plates=[] if walk else plate_rules.split(self.plates.data),
                                entrance="" if walk else (self.entrance.data or ""))

    def fill_from(self, transport) -> "TransportForm":
        if transport is not None:
            self.arrival.data = transport.mode.value
            self.vehicle_count.data = transport.vehicles or None
            self.plates.data = "\n".join(transport.plate_list)
            self.entrance.data = transport.entrance
        return self


class VehicleSettingsForm(ChineseForm):
    entrances = TextAreaField("车辆入口（每行一个）", validators=[Optional()])
    daily_limit = IntegerField("每个入口每天最多车辆数（留空不限）", validators=[
        Optional(), NumberRange(1, 10000, "每天最多车辆数应为1–10000之间的整数。")])

    def validate_entrances(self, field):
        names = self.entrance_list()
        if not names:
            raise ValidationError("请至少填写一个车辆入口。")
        for name in names:
            problem = v.name_error(name, "入口名称", 1, 30)
            if problem:
                raise ValidationError(problem)

    def entrance_list(self) -> list[str]:
        seen = []
        for line in (self.entrances.data or "").splitlines():
            name = v.normalise_text(line)
            if name and name not in seen:
                seen.append(name)
        return seen
