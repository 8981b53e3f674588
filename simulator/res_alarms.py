"""The Alarms REST API (``/api/rest/v1/alarms``, 2023 R2+), its look-ups, and the alarm definitions that raise alarms.

Shapes from Milestone's AlarmsRestApiPython sample:

* ``POST /alarms`` ``{"name", "message", "source": <camera id or cameras/<id>>[, "priority", "state", "data"]}`` -> 202
  ``{"data": <alarm>}``;
* ``GET /alarms?page&size`` -> ``{"array": [...]}``, newest first; ``GET /alarms/{id}?include=data`` -> ``{"data": ...}``;
* ``PATCH /alarms/{id}`` ``{"state": <alarmStates id>, "priority": <alarmPriorities id>, "comment": ...,
  "assignedTo.displayName": ..., "reasonForClosing": ...}`` -> 202 ``{"data": <alarm>}``; a null leaves the field as is;
* ``GET /alarmStates``, ``GET /alarmPriorities`` -> ``{"array": [{"id", "name", ...}]}``.

The alarm's own field set is not shown by any public source; the simulator's (``id``, ``localId``, ``name``,
``message``, ``source``, ``sourceName``, ``time``, ``lastModified``, ``state``/``stateName``,
``priority``/``priorityName``, ``assignedTo.displayName``, ``comment``, ``reasonForClosing``,
``alarmDefinition``, ``event``, ``data`` with ``include=data``) is inferred from the PATCH body and the MIP SDK's
alarm line. Property filters (``?state='1'``, ``lastModified=gt:'...'``) work as on the Config API.

``GET /alarmDefinitions`` (and ``/{id}``) lists the seeded definitions: an event whose type is a definition's
``eventType`` (and whose source is in its ``sourceList``, when that is not empty) raises an alarm.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from .fields import GUID_RE
from .live import PRIORITIES, STATES, new_alarm_id_order
from .res_events_api import live_of, require_events_api, resolve_source, wants_data
from .responses import bad_request, json_response, not_found
from .rest import ID, RestRequest, Router, apply_filters, apply_paging, collection, single
from .util import utc_now

CREATE_KEYS = ("name", "message", "source", "priority", "state", "data")
PATCH_KEYS = ("state", "priority", "comment", "assignedTo.displayName", "reasonForClosing")
TEXT_LIMIT = 4000


def _text(body: dict[str, Any], key: str, *, required: bool = False) -> str | None:
    value = body.get(key)
    if value is None:
        if required:
            raise bad_request(f"Bad request: {key} is required", prop=key)
        return None
    if not isinstance(value, str):
        raise bad_request(f"Bad request: {key} must be a string", prop=key)
    if len(value) > TEXT_LIMIT:
        raise bad_request(f"Bad request: {key} is longer than {TEXT_LIMIT} characters", prop=key)
    return value


def _state(value: str | None) -> str | None:
    if value is None:
        return None
    for ident, _name in STATES:
        if ident == value.strip():
            return ident
    raise bad_request(f"Bad request: unknown alarm state '{value}'", prop="state")


def _priority(value: str | None) -> str | None:
    if value is None:
        return None
    for ident, _name, _level in PRIORITIES:
        if ident == value.strip().lower():
            return ident
    raise bad_request(f"Bad request: unknown alarm priority '{value}'", prop="priority")


def alarm_view(alarm: dict[str, Any], with_data: bool) -> dict[str, Any]:
    return alarm if with_data else {key: value for key, value in alarm.items() if key != "data"}


def _alarm(req: RestRequest) -> dict[str, Any]:
    require_events_api(req, "alarms")
    ident = req.ids[0].lower()
    alarm = live_of(req).alarms.get(ident) if GUID_RE.match(ident) else None
    if alarm is None:
        raise not_found()
    return alarm


async def create_alarm(req: RestRequest) -> web.Response:
    """POST /alarms -> 202 {"data": <alarm>}."""
    require_events_api(req, "alarms")
    body = await req.json_object()
    for key in body:
        if key not in CREATE_KEYS:
            raise bad_request(f"Bad request: unknown property '{key}'", prop=key)
    name = _text(body, "name", required=True) or ""
    if not name.strip():
        raise bad_request("Bad request: name must not be empty", prop="name")
    message = _text(body, "message") or ""
    source = resolve_source(req, body["source"]) if body.get("source") is not None else ""
    data = body.get("data")
    if data is not None and not isinstance(data, dict):
        raise bad_request("Bad request: data must be a JSON object", prop="data")
    alarm = live_of(req).create_alarm(name=name, message=message, source=source, priority=_priority(_text(body, "priority")),
                                      state=_state(_text(body, "state")), data=data)
    return json_response({"data": alarm}, status=202)


async def list_alarms(req: RestRequest) -> web.Response:
    """GET /alarms: newest first, with property filters and paging."""
    require_events_api(req, "alarms")
    with_data = wants_data(req)
    alarms = [alarm_view(alarm, with_data) for alarm in new_alarm_id_order(live_of(req).alarms.values())]
    return json_response({"array": apply_paging(req, apply_filters(req, alarms))})


async def get_alarm(req: RestRequest) -> web.Response:
    """GET /alarms/{id} (``include=data`` adds the alarm's data)."""
    return json_response({"data": alarm_view(_alarm(req), wants_data(req))})


async def update_alarm(req: RestRequest) -> web.Response:
    """PATCH /alarms/{id} -> 202 {"data": <alarm>}; null values change nothing."""
    alarm = _alarm(req)
    body = await req.json_object()
    for key in body:
        if key not in PATCH_KEYS:
            raise bad_request(f"Bad request: unknown property '{key}'", prop=key)
    state = _state(_text(body, "state"))
    priority = _priority(_text(body, "priority"))
    changes: dict[str, Any] = {}
    if state is not None:
        changes.update(state=state, stateName=dict(STATES)[state])
    if priority is not None:
        changes.update(priority=priority, priorityName=live_of(req).priority_name(priority))
    for key in ("comment", "reasonForClosing"):
        value = _text(body, key)
        if value is not None:
            changes[key] = value
    assignee = _text(body, "assignedTo.displayName")
    if assignee is not None:
        changes["assignedTo"] = {"displayName": assignee}
    if any(alarm.get(key) != value for key, value in changes.items()):
        alarm.update(changes)
        alarm["lastModified"] = utc_now()
    return json_response({"data": alarm_view(alarm, True)}, status=202)


async def list_alarm_states(req: RestRequest) -> web.Response:
    require_events_api(req, "alarmStates")
    states = [{"id": ident, "name": name, "displayName": name} for ident, name in STATES]
    return json_response({"array": apply_paging(req, states)})


async def list_alarm_priorities(req: RestRequest) -> web.Response:
    require_events_api(req, "alarmPriorities")
    priorities = [{"id": ident, "name": name, "displayName": name, "level": level} for ident, name, level in PRIORITIES]
    return json_response({"array": apply_paging(req, priorities)})


async def list_alarm_definitions(req: RestRequest) -> web.Response:
    return collection(req, list(live_of(req).alarm_definitions.values()))


async def get_alarm_definition(req: RestRequest) -> web.Response:
    definition = live_of(req).alarm_definitions.get(req.ids[0].lower())
    if definition is None:
        raise not_found()
    return single(req, definition)


def register(router: Router) -> None:
    """Add the alarms, alarmStates, alarmPriorities and alarmDefinitions routes."""
    router.add("POST", "alarms", create_alarm)
    router.add("GET", "alarms", list_alarms)
    router.add("GET", f"alarms/{ID}", get_alarm)
    router.add("PATCH", f"alarms/{ID}", update_alarm)
    router.add("GET", "alarmStates", list_alarm_states)
    router.add("GET", "alarmPriorities", list_alarm_priorities)
    router.add("GET", "alarmDefinitions", list_alarm_definitions)
    router.add("GET", f"alarmDefinitions/{ID}", get_alarm_definition)
