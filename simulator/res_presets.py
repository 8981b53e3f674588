"""``/cameras/{id}/ptzPresets`` (docs/xprotect-api.md §5): list, create, get, delete, Goto, DefaultPtzPreset, GetDevicePresets.

GetDevicePresets is the documented two-step task: ``{"sessionDataId": 0}`` starts a task that reads the
device's presets; when it finishes its data carries a new non-zero ``sessionDataId``.  POSTing that id
starts a second task that merges the presets read in step 1 into the camera's list; it finishes with
``sessionDataId`` 0 (nothing more to do).  A session id is valid once, for its own camera.
"""

from __future__ import annotations

import re
from typing import Any

from aiohttp import web

from .fields import check_update, definitions, ro, rw, table
from .res_cameras import camera_or_404
from .responses import bad_request, not_found
from .rest import ID, RestRequest, Router, collection, params_missing, result, single, state_success, task_id
from .store import DevicePreset, make_preset, path_ref
from .tasks import Task
from .util import random_guid

FIELDS = table(
    ro("id", "guid"),
    rw("name", "name"),
    ro("displayName"),
    rw("description", "string"),
    ro("devicePreset", "bool"),
    ro("devicePresetInternalId"),
    ro("defaultPreset", "bool"),
    rw("locked", "bool"),
    rw("pan", "double"),
    rw("tilt", "double"),
    rw("zoom", "double"),
    ro("relations", "object"),
)
PTZ_TASKS = (
    {"id": "DefaultPtzPreset", "displayName": "Set default PTZ preset"},
    {"id": "GetDevicePresets", "displayName": "Get presets from camera"},
)
PRESET_TASKS = ({"id": "Goto", "displayName": "Goto preset"},)
ITEM_SELECTION_RE = re.compile(r"^PtzPreset\[([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\]$")


def _camera_tasks(camera: dict[str, Any]) -> tuple[dict[str, str], ...]:
    """PTZ cameras offer the two preset tasks; other cameras none (``{"tasks": []}``)."""
    return PTZ_TASKS if camera["ptzEnabled"] else ()


def _preset(req: RestRequest) -> tuple[dict[str, Any], dict[str, Any]]:
    camera = camera_or_404(req, req.ids[0])
    preset = req.state.store.find_preset(camera["id"], req.ids[1])
    if preset is None:
        raise not_found()
    return camera, preset


async def list_presets(req: RestRequest) -> web.Response:
    """GET /cameras/{id}/ptzPresets (``?tasks&noData`` lists the camera's preset tasks)."""
    camera = camera_or_404(req, req.ids[0])
    return collection(req, list(req.state.store.camera_presets(camera["id"])), tasks=_camera_tasks(camera))


async def get_preset(req: RestRequest) -> web.Response:
    """GET /cameras/{id}/ptzPresets/{id}."""
    preset = _preset(req)[1]
    return single(req, preset, tasks=PRESET_TASKS, resources=(), definitions=definitions(FIELDS))


async def delete_preset(req: RestRequest) -> web.Response:
    """DELETE /cameras/{id}/ptzPresets/{id}."""
    camera, preset = _preset(req)
    req.state.store.camera_presets(camera["id"]).remove(preset)
    return state_success()


async def preset_task(req: RestRequest) -> web.Response:
    """POST /cameras/{id}/ptzPresets/{id}?task=Goto -> {"result": {"state": "Success"}} (2024 R2+)."""
    _preset(req)
    task_id(req, [task["id"] for task in PRESET_TASKS])
    return result({"state": "Success"})


async def post_presets(req: RestRequest) -> web.Response:
    """POST /cameras/{id}/ptzPresets: create a preset, or ?task=DefaultPtzPreset / ?task=GetDevicePresets."""
    camera = camera_or_404(req, req.ids[0])
    if req.param("task") is None:
        return await _create(req, camera)
    task = task_id(req, [item["id"] for item in _camera_tasks(camera)])
    if task == "DefaultPtzPreset":
        return await _default_preset(req, camera)
    return await _device_presets(req, camera)


async def _create(req: RestRequest, camera: dict[str, Any]) -> web.Response:
    """201 {"result": <new preset>}; a VMS preset (devicePreset false)."""
    if not camera["ptzEnabled"]:
        raise bad_request("Bad request: the camera does not support PTZ")
    body = await req.json_object()
    if "name" not in {key.lower() for key in body}:
        raise params_missing({"name": ""}, definitions(FIELDS), req)
    config = req.state.config
    template = {"devicePreset": False, "devicePresetInternalId": "", "defaultPreset": False}
    changes = check_update(FIELDS, template, body, full=False, mode=config.read_only_fields, max_name_length=config.max_name_length)
    preset = make_preset(camera["id"], random_guid(), changes.pop("name"), **{
        "pan": changes.get("pan", 0.0), "tilt": changes.get("tilt", 0.0), "zoom": changes.get("zoom", 0.0),
        "description": changes.get("description", ""), "locked": changes.get("locked", False)})
    req.state.store.camera_presets(camera["id"]).append(preset)
    return result(preset, status=201)


def _selection_definitions(req: RestRequest, camera: dict[str, Any]) -> dict[str, Any]:
    """``&definitions`` for DefaultPtzPreset: the camera's presets as enum options (the OAS enum lists them)."""
    options = [{"value": f"PtzPreset[{preset['id'].upper()}]", "displayName": preset["displayName"]}
               for preset in req.state.store.camera_presets(camera["id"])]
    return {"itemSelection": {"canSet": True, "valueType": "enum", "options": options}}


async def _default_preset(req: RestRequest, camera: dict[str, Any]) -> web.Response:
    """DefaultPtzPreset with ``{"itemSelection": "PtzPreset[<UPPER-CASE-ID>]"}``."""
    body = await req.json_object(required=False)
    selection = body.get("itemSelection")
    if not selection:
        raise params_missing({"itemSelection": ""}, _selection_definitions(req, camera), req)
    match = ITEM_SELECTION_RE.match(selection) if isinstance(selection, str) else None
    raw_id = match.group(1) if match else ""
    if req.state.config.item_selection_case == "upper" and raw_id != raw_id.upper():
        match = None
    preset = req.state.store.find_preset(camera["id"], raw_id) if match else None
    if preset is None:
        raise bad_request(f"Bad request: invalid value for itemSelection: {selection!r}", prop="itemSelection")
    canonical = f"PtzPreset[{preset['id'].upper()}]"
    store = req.state.store
    if req.state.config.default_preset_mode == "sync":
        store.set_default_preset(camera["id"], preset["id"])
        return result({"itemSelection": canonical, "state": "Success"})

    def apply(_task: Task) -> str | None:
        if not store.set_default_preset(camera["id"], preset["id"]):
            return "VMO61002: The PTZ preset no longer exists."
        return None

    task = _start(req, "DefaultPtzPreset", camera, apply)
    return result({"sessionDataId": 0, "state": "Idle", "path": path_ref("tasks", task.ident)})


async def _device_presets(req: RestRequest, camera: dict[str, Any]) -> web.Response:
    """GetDevicePresets, both steps (see module docstring)."""
    body = await req.json_object(required=False)
    if "sessionDataId" not in body:
        raise params_missing({"sessionDataId": 0}, {"sessionDataId": {"canSet": True, "valueType": "int"}}, req)
    session_id = body["sessionDataId"]
    if isinstance(session_id, bool) or not isinstance(session_id, int) or session_id < 0:
        raise bad_request("Bad request: sessionDataId must be a non-negative integer", prop="sessionDataId")
    state = req.state
    store = state.store
    if session_id == 0:
        def read_device(task: Task) -> str | None:
            snapshot = [DevicePreset(**vars(item)) for item in store.device_presets.get(camera["id"], [])]
            task.session_data_id = state.next_session_id
            state.sessions[state.next_session_id] = (camera["id"], snapshot)
            state.next_session_id += 1

        task = _start(req, "GetDevicePresets", camera, read_device)
    else:
        session = state.sessions.get(session_id)
        if session is None or session[0] != camera["id"]:
            raise bad_request(f"Bad request: unknown or already used sessionDataId {session_id}", prop="sessionDataId")
        del state.sessions[session_id]
        snapshot = session[1]

        def merge(_task: Task) -> str | None:
            merge_device_presets(store.camera_presets(camera["id"]), camera["id"], snapshot)

        task = _start(req, "GetDevicePresets", camera, merge)
    return result({"sessionDataId": session_id, "state": "Idle", "path": path_ref("tasks", task.ident)})


def merge_device_presets(presets: list[dict[str, Any]], camera_id: str, device: list[DevicePreset]) -> None:
    """Mirror the device's presets into the VMS list: update imported ones (matched by internal id), add new
    ones, drop imported ones the device no longer has; VMS-only presets are untouched."""
    by_internal = {item.internal_id: item for item in device}
    kept: list[dict[str, Any]] = []
    seen: set[str] = set()
    for preset in presets:
        if preset["devicePreset"]:
            item = by_internal.get(preset["devicePresetInternalId"])
            if item is None:
                continue
            seen.add(item.internal_id)
            preset.update({"name": item.name, "displayName": item.name, "pan": item.pan, "tilt": item.tilt, "zoom": item.zoom})
        kept.append(preset)
    for item in device:
        if item.internal_id not in seen:
            kept.append(make_preset(camera_id, random_guid(), item.name, pan=item.pan, tilt=item.tilt, zoom=item.zoom,
                                    device_internal_id=item.internal_id))
    presets[:] = kept


def _start(req: RestRequest, kind: str, camera: dict[str, Any], effect: Any) -> Task:
    state = req.state
    return state.tasks.create(kind, site_id=state.store.site_id, duration=state.task_seconds,
                              outcome=state.faults.outcome_for(camera["id"]), camera_id=camera["id"], effect=effect)


def register(router: Router) -> None:
    """Add the ptzPresets routes."""
    router.add("GET", f"cameras/{ID}/ptzPresets", list_presets)
    router.add("POST", f"cameras/{ID}/ptzPresets", post_presets)
    router.add("GET", f"cameras/{ID}/ptzPresets/{ID}", get_preset)
    router.add("DELETE", f"cameras/{ID}/ptzPresets/{ID}", delete_preset)
    router.add("POST", f"cameras/{ID}/ptzPresets/{ID}", preset_task)
