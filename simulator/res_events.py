"""``/userDefinedEvents`` (docs/xprotect-api.md §3): list, get, create, PUT/PATCH rename, delete, ChangeSecurityPermissions."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from .fields import GUID_RE, check_update, definitions, ro, rw, table
from .responses import bad_request, not_found
from .rest import ID, RestRequest, Router, collection, params_missing, result, single, state_success, task_id
from .store import make_event, path_ref
from .util import random_guid

FIELDS = table(
    ro("id", "guid"),
    rw("name", "name"),
    ro("displayName"),
    ro("subtype"),
    ro("createdDate", "dateTime"),
    ro("lastModified", "dateTime"),
    ro("relations", "object"),
)
SECURITY_TASK = {"id": "ChangeSecurityPermissions", "displayName": "Edit permissions"}
OBJECT_TASKS = (SECURITY_TASK,)


def _event(req: RestRequest) -> dict[str, Any]:
    event = req.state.store.events.get(req.ids[0].lower())
    if event is None:
        raise not_found()
    return event


def _check_unique(req: RestRequest, name: str, exclude: str | None = None) -> None:
    """``--unique-event-names``: a duplicate (compared case-insensitively) is a 400, never a 409 (docs/xprotect-api.md §3)."""
    if not req.state.config.unique_event_names:
        return
    folded = name.casefold()
    for event in req.state.store.events.values():
        if event["id"] != exclude and event["name"].casefold() == folded:
            raise bad_request(f"Bad request: an event named '{name}' already exists", prop="name")


async def list_events(req: RestRequest) -> web.Response:
    """GET /userDefinedEvents (also /sites/{id}/userDefinedEvents)."""
    if len(req.ids) == 1 and req.ids[0].lower() != req.state.store.site_id:
        raise not_found()
    return collection(req, list(req.state.store.events.values()))


async def get_event(req: RestRequest) -> web.Response:
    """GET /userDefinedEvents/{id} with ?tasks, ?resources ([]), ?definitions."""
    return single(req, _event(req), tasks=OBJECT_TASKS, resources=(), definitions=definitions(FIELDS))


async def create_event(req: RestRequest) -> web.Response:
    """POST /userDefinedEvents -> 201 {"result": <new event>}."""
    if req.param("task") is not None:
        raise bad_request("Bad request: Unknown request")
    body = await req.json_object(required=False)
    if "name" not in {key.lower() for key in body}:
        raise params_missing({"name": ""}, definitions(FIELDS), req)
    config = req.state.config
    template = {"subtype": "UserDefined"}
    changes = check_update(FIELDS, template, body, full=True, mode=config.read_only_fields, max_name_length=config.max_name_length)
    _check_unique(req, changes["name"])
    now = req.state.store.clock()
    event = make_event(random_guid(), changes["name"], "UserDefined", now, now)
    req.state.store.events[event["id"]] = event
    body_out = dict(event)
    if config.create_result_state:
        body_out.update({"state": "Success", "path": path_ref("userDefinedEvents", event["id"])})
    return result(body_out, status=201)


async def update_event(req: RestRequest) -> web.Response:
    """PUT/PATCH /userDefinedEvents/{id}: only ``name`` is writable, so both are a rename."""
    event = _event(req)
    config = req.state.config
    body = await req.json_object()
    changes = check_update(FIELDS, event, body, full=req.method == "PUT", mode=config.read_only_fields,
                           max_name_length=config.max_name_length)
    name = changes.get("name", event["name"])
    if name != event["name"]:
        if config.system_events_protected and event["id"] in req.state.store.system_event_ids:
            raise bad_request("Bad request: built-in System events cannot be renamed", prop="name")
        _check_unique(req, name, exclude=event["id"])
    if name != event["name"] or event["id"] not in req.state.store.system_event_ids:
        event["name"] = event["displayName"] = name
        req.state.store.touch(event)
    return single(req, event)


async def delete_event(req: RestRequest) -> web.Response:
    """DELETE /userDefinedEvents/{id} -> {"state": "Success"}; System events are refused (switch)."""
    event = _event(req)
    if req.state.config.system_events_protected and event["id"] in req.state.store.system_event_ids:
        raise bad_request("Bad request: built-in System events cannot be deleted")
    del req.state.store.events[event["id"]]
    return state_success()


async def change_security_permissions(req: RestRequest) -> web.Response:
    """ChangeSecurityPermissions (body ``{"userPath": {"type": "roles", "id": <guid>}}``), accepted and ignored.

    The result echoes the parameters plus ``state``, the shape the OAS prose shows for task results.
    """
    body = await req.json_object(required=False)
    user_path = body.get("userPath")
    if not user_path:
        raise params_missing({"userPath": ""}, {"userPath": {"canSet": True, "valueType": "path"}}, req)
    if not isinstance(user_path, dict) or user_path.get("type") != "roles" or not GUID_RE.match(str(user_path.get("id", ""))):
        raise bad_request('Bad request: userPath must be {"type": "roles", "id": "<guid>"}', prop="userPath")
    return result({"userPath": {"type": "roles", "id": str(user_path["id"]).lower()}, "state": "Success"})


async def event_task(req: RestRequest) -> web.Response:
    """POST /userDefinedEvents/{id}?task=..."""
    _event(req)
    task_id(req, [task["id"] for task in OBJECT_TASKS])
    return await change_security_permissions(req)


def register(router: Router) -> None:
    """Add the userDefinedEvents routes."""
    router.add("GET", "userDefinedEvents", list_events)
    router.add("POST", "userDefinedEvents", create_event)
    router.add("GET", f"userDefinedEvents/{ID}", get_event)
    router.add("PUT", f"userDefinedEvents/{ID}", update_event)
    router.add("PATCH", f"userDefinedEvents/{ID}", update_event)
    router.add("DELETE", f"userDefinedEvents/{ID}", delete_event)
    router.add("POST", f"userDefinedEvents/{ID}", event_task)
    router.add("GET", f"sites/{ID}/userDefinedEvents", list_events)
