"""Domain errors and the Chinese error pages.

Services raise DomainError with a stable ``code`` (for the API and tests) and a ``message`` a view
can show as it is; views never compose business messages themselves.
"""
import logging
import math
import time

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError

from .database import DatabaseBusy, is_transient
from .ratelimits import ACCOUNT_THROTTLED

log = logging.getLogger(__name__)


class DomainError(Exception):
    """A business rule said no. ``status`` is the HTTP status the API answers with."""

    status = 409

    def __init__(self, code: str, message: str, *, field: str | None = None, **details):
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        self.details = details

    def to_dict(self) -> dict:
        body = {"error": self.code, "message": self.message}
        if self.field:
            body["field"] = self.field
        return body


class NotFound(DomainError):
    status = 404


class InvalidInput(DomainError):
    """A request parameter no page can use (a date no activity week can have): 400 and why."""

    status = 400


def wants_json() -> bool:
    return request.path.startswith("/api/") or (
        request.accept_mimetypes.best == "application/json")


def _page(status: int, title: str, message: str, **extra):
    if wants_json():
        body = {"error": extra.pop("code", str(status)), "message": message}
        response = jsonify(body)
        response.status_code = status
    else:
        from .forms import carry_back_values
        # Only a refusal that read nothing (expired page, too many requests) takes the typed
        # form back; an oversized body is never read again.
        carry = carry_back_values() if extra.pop("keep_typed", False) else []
        response = render_template("errors/error.html", status=status, title=title,
                                   message=message, carry=carry), status
        from flask import make_response
        response = make_response(response)
    for key, value in extra.get("headers", {}).items():
        response.headers[key] = value
    return response


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(400)
    def bad_request(e):
        return _page(400, "请求有误", "提交的内容格式不正确，请返回检查后重试。", code="bad_request")

    @app.errorhandler(CSRFError)
    def csrf_error(e):
        return _page(400, "页面已过期", "页面已过期或来源不明（安全校验未通过），请刷新页面后重新提交。",
                     keep_typed=True,
                     code="csrf")

    @app.errorhandler(401)
    def unauthorized(e):
        # Staff pages redirect to the sign-in page (accounts.unauthorized); this is the API's answer.
        return _page(401, "请先登录", "请先登录，或提供有效的设备令牌。", code="unauthorized",
                     headers={"WWW-Authenticate": "Bearer"})

    @app.errorhandler(403)
    def forbidden(e):
        return _page(403, "无权访问", "您的账号无权访问此页面。", code="forbidden")

    @app.errorhandler(404)
    def not_found(e):
        return _page(404, "页面不存在", "您访问的页面不存在或链接已失效。", code="not_found")

    @app.errorhandler(405)
    def method_not_allowed(e):
        # RFC 9110: a 405 lists the methods the resource does support.
        allow = dict(e.get_headers()).get("Allow", "")
        return _page(405, "请求方式不支持", "不支持此请求方式。", code="method_not_allowed",
                     headers={"Allow": allow} if allow else {})

    @app.errorhandler(413)
    def too_large(e):
        return _page(413, "内容过大", "上传或提交的内容过大，请缩小文件后重试。", code="too_large")

    @app.errorhandler(429)
    def too_many(e):
        # Flask-Limiter's RateLimitExceeded carries no retry_after; the window's reset time is on
        # limiter.current_limit. Set Retry-After here so it is there even with headers disabled.
        retry = _retry_after_seconds()
        if getattr(getattr(e, "limit", None), "error_message", None) == ACCOUNT_THROTTLED:
            minutes = math.ceil(retry / 60)
            return _page(429, "登录失败次数过多",
                         f"该账号连续登录失败次数过多，为保护账号已暂停登录，请{minutes}分钟后再试。"
                         "如忘记密码，请联系系统管理员重置。", code="account_throttled",
                         headers={"Retry-After": str(retry)})
        return _page(429, "操作过于频繁", f"操作过于频繁，请{retry}秒后再试。", code="rate_limited",
                     keep_typed=True,
                     headers={"Retry-After": str(retry)})

    @app.errorhandler(OperationalError)
    def database_unavailable(e):
        # A read outside ``atomic`` (a page, the login loader) that finds the database locked or
        # unreachable: a clear 503 instead of a stack trace. Other errors stay 500s.
        if not is_transient(e):
            raise e
        from .extensions import db
        db.session.rollback()
        log.warning("database unavailable: %s", type(e.orig).__name__ if e.orig else "?")
        return busy(DatabaseBusy())

    @app.errorhandler(DatabaseBusy)
    def busy(e):
        return _page(503, "系统繁忙", "当前预约人数较多，系统繁忙，您的提交未被保存，请稍后重试。",
                     code="busy", headers={"Retry-After": "2"})

    @app.errorhandler(NotFound)
    def domain_not_found(e):
        return _page(404, "未找到", e.message, code=e.code)

    @app.errorhandler(InvalidInput)
    def invalid_input(e):
        return _page(400, "请求有误", e.message, code=e.code)

    @app.errorhandler(500)
    def server_error(e):
        return _page(500, "系统错误", "系统出现错误，已记录。请稍后重试；如急需，请联系活动周工作组。",
                     code="server_error")


def _retry_after_seconds() -> int:
    from .extensions import limiter
    current = limiter.current_limit
    if current is None:
        return 60
    return max(1, math.ceil(current.reset_at - time.time()))
