"""Response envelopes and the error type every handler raises.

The real gateway wraps errors as ``{"error": {"httpCode": N, "details": [{"errorText": ...}]}}`` with an
integer ``httpCode`` (LIVE 2025 R1, docs/xprotect-api.md §7); the OpenAPI schemas omit the wrapper, the wire has it.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from .util import dumps

# Headers the 2022 gateway dump shows on REST responses (docs/xprotect-api.md §7).  Server is set explicitly so aiohttp
# does not advertise itself.
REST_HEADERS = {
    "Cache-Control": "no-cache",
    "Pragma": "no-cache",
    "Expires": "-1",
    "Server": "Microsoft-IIS/10.0",
    "X-Frame-Options": "SAMEORIGIN",
}

DEFAULT_TEXTS = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden, you are not authorized to access this object",
    404: "Not Found, the requested id does not exist",
    405: "Method Not Allowed",
    409: "Conflict",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}

FORBIDDEN_TEXT = DEFAULT_TEXTS[403]
NOT_FOUND_TEXT = DEFAULT_TEXTS[404]
PARAMS_MISSING_TEXT = "Bad request: parameters missing"


class ApiError(Exception):
    """An error answered with the gateway error envelope.

    ``extra`` holds envelope siblings such as ``params``/``definitions`` (task invocations with missing
    parameters, docs/xprotect-api.md §7); ``prop`` names the offending property like the OAS ``error400`` details do.
    """

    def __init__(self, status: int, text: str | None = None, *, prop: str | None = None,
                 extra: dict[str, Any] | None = None, headers: dict[str, str] | None = None) -> None:
        self.status = status
        self.text = text if text is not None else DEFAULT_TEXTS.get(status, "Error")
        self.prop = prop
        self.extra = extra or {}
        self.headers = headers or {}
        super().__init__(f"{status} {self.text}")

    def body(self) -> dict[str, Any]:
        """The JSON body for this error."""
        detail: dict[str, Any] = {"errorText": self.text}
        if self.prop:
            detail["property"] = self.prop
        body: dict[str, Any] = {"error": {"httpCode": self.status, "details": [detail]}}
        body.update(self.extra)
        return body


def bad_request(text: str, prop: str | None = None) -> ApiError:
    """A 400 with a helpful text."""
    return ApiError(400, text, prop=prop)


def not_found() -> ApiError:
    """404 for an id that does not exist."""
    return ApiError(404, NOT_FOUND_TEXT)


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    """A REST JSON response with the gateway's headers and ``application/json; charset=utf-8``."""
    response = web.Response(body=dumps(body), status=status, content_type="application/json", charset="utf-8")
    response.headers.update(REST_HEADERS)
    if headers:
        response.headers.update(headers)
    return response


def error_response(error: ApiError) -> web.Response:
    """The gateway error envelope for ``error``."""
    return json_response(error.body(), status=error.status, headers=error.headers)


IIS_404 = """<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1"/><title>404 - File or directory not found.</title></head>
<body><div id="header"><h1>Server Error</h1></div>
<div id="content"><fieldset><h2>404 - File or directory not found.</h2>
<h3>The resource you are looking for might have been removed, had its name changed, or is temporarily unavailable.</h3></fieldset></div>
</body></html>
"""


def html_not_found() -> web.Response:
    """What IIS answers for a path no application serves (docs/xprotect-api.md §7: non-API paths give HTML 404 pages)."""
    response = web.Response(text=IIS_404, status=404, content_type="text/html")
    response.headers["Server"] = REST_HEADERS["Server"]
    return response
