"""The Events REST API (``/api/rest/v1/events``, 2023 R2+) and the read-only event metadata of the Config API.

* ``POST /events`` ``{"type": <event type id>[, "source": "cameras/<id>"][, "data": {...}][, "time": ...]}`` answers
  202 ``{"data": <event>}`` (Milestone's EventsRestApiPython sample). Without a source, a user-defined event is
  its own source (``userDefinedEvents/<id>``), as the Events REST documentation says.
* A user token may trigger only event types with ``generatorType`` External (user-defined events) or MIPDevice
  (analytics events), and not those of ``generatorSubtype`` Generic: anything else is a 403 that says so
  (events-rest/v1 documentation). Every token of the simulated IDP is a user token.
* ``GET /events`` (``page``, ``size``, ``include=data``) and ``GET /events/{id}`` read the stored events; an event is
  stored only while its type's retention is above zero (``--event-retention-days``), newest first.
* ``GET /eventTypes``, ``/stateGroups`` and ``/analyticsEvents`` (and ``/{id}``) describe what events can occur.

``--no-events-api`` makes ``events`` (and the alarms, see ``res_alarms``) an unknown resource, as on servers
before 2023 R2.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from .fields import GUID_RE
from .live import LiveState, source_id, source_type
from .responses import ApiError, bad_request, json_response, not_found
from .rest import ID, RestRequest, Router, apply_filters, apply_paging, collection, single

EVENT_KEYS = ("type", "source", "data", "time")
TRIGGERABLE = ("External", "MIPDevice")
SOURCE_TYPES = {"cameras": "cameras", "userdefinedevents": "userDefinedEvents", "analyticsevents": "analyticsEvents"}


def live_of(req: RestRequest) -> LiveState:
    return req.state.live


def require_events_api(req: RestRequest, resource: str) -> None:
    """404 ``Unknown resource: <name>`` when the server predates the Events and Alarms REST APIs."""
    if not req.state.config.events_api:
        raise ApiError(404, f"Unknown resource: {resource}")


def wants_data(req: RestRequest) -> bool:
    """``include=data`` (also ``include=Data``, or ``data`` among comma-separated values)."""
    value = req.param("include") or ""
    return "data" in (part.strip().lower() for part in value.split(","))


def event_view(event: dict[str, Any], with_data: bool) -> dict[str, Any]:
    if with_data or "data" not in event:
        return event
    return {key: value for key, value in event.items() if key != "data"}


def trigger_refusal(event_type: dict[str, Any]) -> str | None:
    """Why a user token may not trigger this event type, or None."""
    generator = str(event_type.get("generatorType", ""))
    subtype = str(event_type.get("generatorSubtype", ""))
    if generator in TRIGGERABLE and subtype != "Generic":
        return None
    what = f"generatorType {generator}" + (f", generatorSubtype {subtype}" if subtype else "")
    return (f"Forbidden: a user token can only trigger events with generatorType External (user-defined events) or "
            f"MIPDevice (analytics events), excluding generatorSubtype Generic; event type '{event_type.get('displayName')}' "
            f"has {what}. Use a service token for it")


def resolve_source(req: RestRequest, raw: Any) -> str:
    """``type/id`` of an existing camera, user-defined event or analytics event; a bare GUID is taken as a camera id."""
    if not isinstance(raw, str) or not raw.strip():
        raise bad_request("Bad request: source must be a path such as cameras/<id>", prop="source")
    text = raw.strip()
    if GUID_RE.match(text):
        text = f"cameras/{text}"
    kind, ident = source_type(text).lower(), source_id(text).lower()
    canonical = SOURCE_TYPES.get(kind)
    store, live = req.state.store, live_of(req)
    exists = {"cameras": store.cameras, "userDefinedEvents": store.events, "analyticsEvents": live.analytics_events}
    if canonical is None or not GUID_RE.match(ident) or ident not in exists[canonical]:
        raise bad_request(f"Bad request: unknown source '{raw}'", prop="source")
    return f"{canonical}/{ident}"


async def trigger_event(req: RestRequest) -> web.Response:
    """POST /events -> 202 {"data": <event>}."""
    require_events_api(req, "events")
    body = await req.json_object()
    for key in body:
        if key not in EVENT_KEYS:
            raise bad_request(f"Bad request: unknown property '{key}'", prop=key)
    type_id = body.get("type")
    if not isinstance(type_id, str) or not type_id.strip():
        raise bad_request("Bad request: type is required (the id of an event type)", prop="type")
    live = live_of(req)
    event_type = live.event_type(type_id.strip()) if GUID_RE.match(type_id.strip()) else None
    if event_type is None:
        raise bad_request(f"Bad request: unknown event type '{type_id}'", prop="type")
    refusal = trigger_refusal(event_type)
    if refusal:
        raise ApiError(403, refusal)
    if "source" in body and body["source"] is not None:
        source = resolve_source(req, body["source"])
    elif event_type["generatorType"] == "External":
        source = f"userDefinedEvents/{event_type['id']}"
    else:
        source = f"analyticsEvents/{event_type['id']}"
    data = body.get("data")
    if data is not None and not isinstance(data, dict):
        raise bad_request("Bad request: data must be a JSON object", prop="data")
    moment = body.get("time")
    if moment is not None and not isinstance(moment, str):
        raise bad_request("Bad request: time must be an ISO 8601 timestamp", prop="time")
    event = live.new_event(event_type["id"], source, data, moment)
    live.emit(event)
    return json_response({"data": event}, status=202)


async def list_stored_events(req: RestRequest) -> web.Response:
    """GET /events: stored events, newest first; ``include=data`` adds each event's data."""
    require_events_api(req, "events")
    with_data = wants_data(req)
    events = [event_view(event, with_data) for event in reversed(live_of(req).stored_events())]
    return json_response({"array": apply_paging(req, apply_filters(req, events))})


async def get_stored_event(req: RestRequest) -> web.Response:
    """GET /events/{id}: 404 when the event was not stored (retention 0) or has expired."""
    require_events_api(req, "events")
    live = live_of(req)
    live.stored_events()
    event = live.stored.get(req.ids[0].lower())
    if event is None:
        raise not_found()
    return json_response({"data": event})


async def list_event_types(req: RestRequest) -> web.Response:
    return collection(req, list(live_of(req).event_types().values()))


async def get_event_type(req: RestRequest) -> web.Response:
    event_type = live_of(req).event_type(req.ids[0])
    if event_type is None:
        raise not_found()
    return single(req, event_type)


async def list_state_groups(req: RestRequest) -> web.Response:
    return collection(req, list(live_of(req).state_groups.values()))


async def get_state_group(req: RestRequest) -> web.Response:
    group = live_of(req).state_groups.get(req.ids[0].lower())
    if group is None:
        raise not_found()
    return single(req, group)


async def list_analytics_events(req: RestRequest) -> web.Response:
    return collection(req, list(live_of(req).analytics_events.values()))


async def get_analytics_event(req: RestRequest) -> web.Response:
    event = live_of(req).analytics_events.get(req.ids[0].lower())
    if event is None:
        raise not_found()
    return single(req, event)


def register(router: Router) -> None:
    """Add the events, eventTypes, stateGroups and analyticsEvents routes."""
    router.add("POST", "events", trigger_event)
    router.add("GET", "events", list_stored_events)
    router.add("GET", f"events/{ID}", get_stored_event)
    router.add("GET", "eventTypes", list_event_types)
    router.add("GET", f"eventTypes/{ID}", get_event_type)
    router.add("GET", "stateGroups", list_state_groups)
    router.add("GET", f"stateGroups/{ID}", get_state_group)
    router.add("GET", "analyticsEvents", list_analytics_events)
    router.add("GET", f"analyticsEvents/{ID}", get_analytics_event)
