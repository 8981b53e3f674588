"""REST plumbing shared by the resource modules: routing, query flags, filters, paging and envelopes.

Resource URIs are always ``name/id/name/id`` ("never more than two levels", OAS prose), so a route is
the tuple of lower-cased names with ``{id}`` in the id positions; matching is case-insensitive
(docs/xprotect-api.md §0: clients use ``/API/rest/v1`` and ``ptzpresets`` as well as the documented spelling).
"""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any, Awaitable, Callable, Iterable

from aiohttp import web

from .config import User
from .responses import ApiError, bad_request, json_response
from .schema import TABLES
from .state import SimState

REST_PREFIX = "/api/rest/v1"
ID = "{id}"
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# Documented spelling of every collection name the simulator serves (used in stats templates).
CANONICAL = {name.lower(): name for name in ("userDefinedEvents", "cameras", "ptzPresets", "cameraGroups", "hardware", "sites", "tasks",
                                             "events", "eventTypes", "stateGroups", "analyticsEvents", "alarms", "alarmStates",
                                             "alarmPriorities", "alarmDefinitions")}
CANONICAL.update({name.lower(): name for name in TABLES.types if name.lower() not in CANONICAL})  # every type of the OpenAPI document
# Query parameters with a meaning of their own; every other key is a property filter (OAS "Filters").
RESERVED_QUERY = {"disabled", "resources", "tasks", "task", "nodata", "definitions", "language", "page", "size", "includechildren"}
# Collections that belong to other APIs of the gateway (bookmarks-rest/v1, evidencelocks-rest/v1): the Config API
# answers them with 400 "Unknown request", not 404 (a 2025 R1 server, docs/xprotect-api.md §7).
OTHER_API_COLLECTIONS = {"bookmarks", "evidencelocks"}
FILTER_RE = re.compile(r"^(?:(lt|gt|notequals|startswith|contains):)?'(.*)'$", re.IGNORECASE | re.DOTALL)


@dataclasses.dataclass
class RestRequest:  # pylint: disable=too-many-instance-attributes
    """One authenticated REST call as the resource handlers see it."""

    state: SimState
    raw: web.Request
    method: str
    ids: list[str]
    user: User
    query: list[tuple[str, str]]
    _body: Any = dataclasses.field(default=None, init=False)
    _body_read: bool = dataclasses.field(default=False, init=False)

    def flag(self, name: str) -> bool:
        """Whether a query flag such as ``tasks`` or ``noData`` is set (valueless ``?tasks&noData`` works;
        ``disabled=false`` does not count)."""
        wanted = name.lower()
        return any(key.lower() == wanted and value.lower() not in ("false", "0") for key, value in self.query)

    def param(self, name: str) -> str | None:
        """First value of a query parameter (name compared case-insensitively)."""
        wanted = name.lower()
        for key, value in self.query:
            if key.lower() == wanted:
                return value
        return None

    async def json(self) -> Any:
        """The JSON body, or None if there is none.  Invalid JSON is a 400 naming the problem."""
        if not self._body_read:
            self._body_read = True
            raw = await self.raw.read()
            if raw.strip():
                try:
                    self._body = json.loads(raw)
                except (ValueError, UnicodeDecodeError) as exc:
                    raise bad_request(f"Bad request: the body is not valid JSON ({exc})") from exc
        return self._body

    async def json_object(self, *, required: bool = True) -> dict[str, Any]:
        """The body as a JSON object; an empty body is ``{}`` unless ``required``."""
        body = await self.json()
        if body is None:
            if required:
                raise bad_request("Bad request: a JSON object body is required")
            return {}
        if not isinstance(body, dict):
            raise bad_request("Bad request: the body must be a JSON object")
        return body


Handler = Callable[[RestRequest], Awaitable[web.Response]]


def split_segments(path: str) -> list[str]:
    """Path segments after the REST root (empty segments, e.g. from a trailing slash, dropped)."""
    rest = path[len(REST_PREFIX):]
    return [segment for segment in rest.split("/") if segment]


def shape_of(segments: list[str]) -> tuple[str, ...]:
    """Lower-cased names with ``{id}`` in id positions."""
    return tuple(segment.lower() if index % 2 == 0 else ID for index, segment in enumerate(segments))


def template_for(path: str) -> str:
    """Stats key for a REST path: ids replaced by ``{id}``, names in their documented spelling."""
    shape = shape_of(split_segments(path))
    return "/".join([REST_PREFIX] + [CANONICAL.get(part, part) for part in shape])


class Router:
    """Maps (method, shape) to handlers."""

    def __init__(self) -> None:
        self.routes: dict[tuple[str, ...], dict[str, Handler]] = {}

    def add(self, method: str, template: str, handler: Handler) -> None:
        """Register ``handler`` for ``METHOD name/{id}/...``."""
        shape = tuple(part if part == ID else part.lower() for part in template.strip("/").split("/"))
        self.routes.setdefault(shape, {})[method.upper()] = handler

    def has(self, method: str, template: str) -> bool:
        """Whether ``METHOD name/{id}/...`` already has a handler."""
        shape = tuple(part if part == ID else part.lower() for part in template.strip("/").split("/"))
        return method.upper() in self.routes.get(shape, {})

    def resolve(self, method: str, segments: list[str]) -> Handler:
        """The handler for a request, or the gateway's 404/400 for unknown resources and methods."""
        shape = shape_of(segments)
        methods = self.routes.get(shape)
        if methods is not None:
            handler = methods.get(method)
            if handler is None:
                raise bad_request("Bad request: Unknown request")
            return handler
        if not segments:
            raise ApiError(404, "Unknown resource: ")
        if shape[0] in OTHER_API_COLLECTIONS:
            raise bad_request("Bad request: Unknown request")
        # Name the first collection the simulator does not know, as the real gateway does ("Unknown resource: recordings").
        for index in range(0, len(segments), 2):
            prefix = shape[: index + 1]
            if not any(route[: index + 1] == prefix for route in self.routes):
                raise ApiError(404, f"Unknown resource: {segments[index]}")
        raise ApiError(404, f"Unknown resource: {segments[(len(segments) - 1) // 2 * 2]}")


# ----------------------------------------------------------------------------------------------- envelopes

def single(req: RestRequest, obj: dict[str, Any], *, tasks: Iterable[dict[str, str]] = (),
           resources: Iterable[dict[str, str]] = (), definitions: dict[str, Any] | None = None) -> web.Response:
    """``{"data": obj}`` plus the siblings requested with ``?tasks``, ``?resources``, ``?definitions``; ``?noData`` drops data."""
    body: dict[str, Any] = {}
    if not req.flag("noData"):
        body["data"] = obj
    if req.flag("tasks"):
        body["tasks"] = list(tasks)
    if req.flag("resources"):
        missing = req.state.config.missing_types
        body["resources"] = [resource for resource in resources if resource.get("type") not in missing]
    if req.flag("definitions") and definitions is not None:
        body["definitions"] = definitions
    return json_response(body)


def collection(req: RestRequest, items: list[dict[str, Any]], *, tasks: Iterable[dict[str, str]] = ()) -> web.Response:
    """``{"array": [...]}`` after property filters and paging; ``?tasks`` adds the collection's tasks."""
    items = apply_paging(req, apply_filters(req, items))
    body: dict[str, Any] = {}
    if not req.flag("noData"):
        body["array"] = items
    if req.flag("tasks"):
        body["tasks"] = list(tasks)
    return json_response(body)


def result(obj: dict[str, Any], status: int = 200) -> web.Response:
    """``{"result": obj}`` (create and task invocation)."""
    return json_response({"result": obj}, status=status)


def state_success() -> web.Response:
    """``{"state": "Success"}`` (DELETE)."""
    return json_response({"state": "Success"})


# ------------------------------------------------------------------------------------- filters and paging

def _as_number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _predicate(op: str, operand: str, insensitive: bool) -> Callable[[Any], bool]:
    """A test for one property value.  Booleans compare as ``true``/``false``; lt/gt compare numbers
    numerically and everything else (ISO timestamps) as strings."""
    fold: Callable[[str], str] = str.casefold if insensitive else str

    def text(value: Any) -> str | None:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (int, float)):
            return format(value, "g") if isinstance(value, float) else str(value)
        if isinstance(value, str):
            return value
        return None  # objects such as recordingStorage are not filterable

    wanted = fold(operand)
    number = _as_number(operand)

    def test(value: Any) -> bool:
        if op in ("lt", "gt"):
            have = _as_number(value) if number is not None else None
            if have is not None and number is not None:
                return have < number if op == "lt" else have > number
            current = text(value)
            if current is None:
                return False
            return current < operand if op == "lt" else current > operand
        current = text(value)
        if current is None:
            return op == "notequals"
        if isinstance(value, (int, float)) and not isinstance(value, bool) and number is not None:
            equal = float(value) == number
        else:
            equal = fold(current) == wanted
        if op == "":
            return equal
        if op == "notequals":
            return not equal
        if op == "startswith":
            return fold(current).startswith(wanted)
        return wanted in fold(current)  # contains

    return test


def apply_filters(req: RestRequest, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """OAS "Filters": ``?name='X'``, ``name=startsWith:'X'``, ``contains:``, ``notEquals:``, ``lt:``, ``gt:``.

    Keys that are not properties of the objects are ignored, as the server ignores unknown parameters.
    """
    filters = [(key, value) for key, value in req.query if key.lower() not in RESERVED_QUERY]
    if not filters or not items:
        return items
    fields = {name.lower(): name for name in items[0]}
    insensitive = req.state.config.filter_case == "insensitive"
    tests = []
    for key, value in filters:
        field = fields.get(key.lower())
        if field is None:
            continue
        match = FILTER_RE.match(value)
        if match is None:
            raise bad_request(f"Bad request: invalid filter {key}={value}; use {key}='value' or {key}=<operator>:'value' "
                              "with operator lt, gt, notEquals, startsWith or contains", prop=field)
        tests.append((field, _predicate((match.group(1) or "").lower(), match.group(2), insensitive)))
    if not tests:
        return items
    return [item for item in items if all(test(item.get(field)) for field, test in tests)]


def _non_negative(req: RestRequest, name: str) -> int | None:
    raw = req.param(name)
    if raw is None:
        return None
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if value < 0:
        raise bad_request(f"Bad request: {name} must be a non-negative integer", prop=name)
    return value


def apply_paging(req: RestRequest, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``page`` (0-based) and ``size``; without ``size`` everything is returned; beyond the end is empty."""
    page = _non_negative(req, "page") or 0
    size = _non_negative(req, "size")
    if size is None:
        return items
    if size == 0:
        raise bad_request("Bad request: size must be at least 1", prop="size")
    return items[page * size:(page + 1) * size]


# ------------------------------------------------------------------------------------- task invocation

def task_id(req: RestRequest, known: Iterable[str]) -> str:
    """The ``?task=`` value in its documented spelling, or 400 if the object has no such task."""
    requested = req.param("task") or ""
    for name in known:
        if name.lower() == requested.lower():
            return name
    raise bad_request(f"Bad request: Unknown task '{requested}'" if requested else "Bad request: Unknown request")


def params_missing(params: dict[str, Any], definitions: dict[str, Any] | None, req: RestRequest) -> ApiError:
    """The task-parameter discovery answer: 400 error plus ``params`` (and ``definitions`` if asked), docs/xprotect-api.md §7."""
    extra: dict[str, Any] = {"params": params}
    if definitions is not None and req.flag("definitions"):
        extra["definitions"] = definitions
    return ApiError(400, "Bad request: parameters missing", extra=extra)
