"""Base form for every feature: WTForms' built-in messages in Chinese, plus a button-only form."""
from flask_wtf import FlaskForm


class ChineseForm(FlaskForm):
    """Every form inherits this, so even WTForms' own messages ("不是有效的整数。") are Chinese."""

    class Meta:
        locales = ("zh_CN", "zh")


class ActionForm(ChineseForm):
    """An empty form that only carries the CSRF token, for button-only POSTs."""
