"""``/cameras`` (docs/xprotect-api.md §4), ``/hardware/{id}/cameras``, ``/cameraGroups`` and ``/sites``.

Cameras cannot be created or deleted over REST (they come from hardware); ``GET /cameras`` lists only
enabled cameras unless ``?disabled`` is given, the same rule applies to the child collections.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from .fields import check_update, definitions, ro, rw, table
from .res_events import OBJECT_TASKS, change_security_permissions
from .responses import not_found
from .rest import ID, RestRequest, Router, collection, single, task_id

CHILD_ARRAYS = ("clientSettings", "customProperties", "settings", "fisheyeLens", "hardwareDeviceEvents", "motionDetections",
                "patrollingProfiles", "privacyProtections", "ptzPresets", "streams")

FIELDS = table(
    ro("displayName"),
    rw("enabled", "bool"),
    ro("id", "guid"),
    rw("name", "name"),
    ro("channel", "int"),
    rw("description", "string"),
    ro("createdDate", "dateTime"),
    ro("lastModified", "dateTime"),
    rw("gisPoint", "gis"),
    rw("shortName", "string"),
    rw("icon", "int", minimum=0, maximum=9),
    rw("coverageDirection", "double"),
    rw("coverageDepth", "double"),
    rw("coverageFieldOfView", "double"),
    rw("recordingFramerate", "double", minimum=0.0),
    rw("recordKeyframesOnly", "bool"),
    rw("recordOnRelatedDevices", "bool"),
    ro("ptzEnabled", "bool"),
    rw("recordingEnabled", "bool"),
    rw("prebufferEnabled", "bool"),
    rw("prebufferInMemory", "bool"),
    rw("prebufferSeconds", "int", minimum=0),
    rw("edgeStorageEnabled", "bool"),
    rw("edgeStoragePlaybackEnabled", "bool"),
    rw("manualRecordingTimeoutEnabled", "bool"),
    rw("manualRecordingTimeoutMinutes", "int", minimum=1),
    rw("recordingStorage", "path", ref_type="storages"),
    rw("failoverSetting", "enum", options=("FullSupport", "LiveOnly", "Disabled")),
    ro("relations", "object"),
    *(ro(name, "object") for name in CHILD_ARRAYS),
)
CAMERA_RESOURCES = ({"type": "ptzPresets", "displayName": "PTZ presets"},)
GROUP_RESOURCES = ({"type": "cameras", "displayName": "Cameras"}, {"type": "cameraGroups", "displayName": "Camera groups"})
SITE_RESOURCES = ({"type": "userDefinedEvents", "displayName": "User-defined events"}, {"type": "cameraGroups", "displayName": "Camera groups"})


def camera_or_404(req: RestRequest, ident: str) -> dict[str, Any]:
    """The camera ``ident`` (enabled or not) or a 404."""
    camera = req.state.store.cameras.get(ident.lower())
    if camera is None:
        raise not_found()
    return camera


def _visible(req: RestRequest, cameras: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Only enabled cameras unless ``?disabled`` (OAS: "Get array of all enabled Camera")."""
    if req.flag("disabled"):
        return cameras
    return [camera for camera in cameras if camera["enabled"]]


async def list_cameras(req: RestRequest) -> web.Response:
    """GET /cameras."""
    return collection(req, _visible(req, list(req.state.store.cameras.values())))


async def get_camera(req: RestRequest) -> web.Response:
    """GET /cameras/{id}."""
    camera = camera_or_404(req, req.ids[0])
    # A camera without PTZ has no PTZ presets to list as a child resource.
    resources = CAMERA_RESOURCES if camera["ptzEnabled"] else ()
    return single(req, camera, tasks=OBJECT_TASKS, resources=resources, definitions=definitions(FIELDS, camera))


async def update_camera(req: RestRequest) -> web.Response:
    """PUT/PATCH /cameras/{id}: writable properties only; ``name`` also changes ``displayName``."""
    camera = camera_or_404(req, req.ids[0])
    config = req.state.config
    body = await req.json_object()
    changes = check_update(FIELDS, camera, body, full=req.method == "PUT", mode=config.read_only_fields,
                           max_name_length=config.max_name_length, known_refs=req.state.store.storage_ids())
    camera.update(changes)
    camera["displayName"] = camera["name"]
    req.state.store.touch(camera)
    return single(req, camera)


async def camera_task(req: RestRequest) -> web.Response:
    """POST /cameras/{id}?task=ChangeSecurityPermissions (the only camera task simulated)."""
    camera_or_404(req, req.ids[0])
    task_id(req, [task["id"] for task in OBJECT_TASKS])
    return await change_security_permissions(req)


async def hardware_cameras(req: RestRequest) -> web.Response:
    """GET /hardware/{id}/cameras."""
    ids = req.state.store.hardware_cameras.get(req.ids[0].lower())
    if ids is None:
        raise not_found()
    return collection(req, _visible(req, [req.state.store.cameras[ident] for ident in ids]))


def _group(req: RestRequest) -> dict[str, Any]:
    group = req.state.store.groups.get(req.ids[0].lower())
    if group is None:
        raise not_found()
    return group


async def list_groups(req: RestRequest) -> web.Response:
    """GET /cameraGroups: the top-level groups."""
    store = req.state.store
    return collection(req, [store.groups[ident] for ident in store.top_groups])


async def get_group(req: RestRequest) -> web.Response:
    """GET /cameraGroups/{id} (top-level or nested)."""
    return single(req, _group(req), resources=GROUP_RESOURCES)


async def group_cameras(req: RestRequest) -> web.Response:
    """GET /cameraGroups/{id}/cameras."""
    group = _group(req)
    store = req.state.store
    return collection(req, _visible(req, [store.cameras[ident] for ident in store.group_cameras[group["id"]]]))


async def group_subgroups(req: RestRequest) -> web.Response:
    """GET /cameraGroups/{id}/cameraGroups (may be empty)."""
    group = _group(req)
    store = req.state.store
    return collection(req, [store.groups[ident] for ident in store.group_children[group["id"]]])


async def list_sites(req: RestRequest) -> web.Response:
    """GET /sites: the one management server."""
    return collection(req, [req.state.store.site])


async def get_site(req: RestRequest) -> web.Response:
    """GET /sites/{id}."""
    if req.ids[0].lower() != req.state.store.site_id:
        raise not_found()
    return single(req, req.state.store.site, resources=SITE_RESOURCES)


def register(router: Router) -> None:
    """Add the camera, hardware, camera group and site routes."""
    router.add("GET", "cameras", list_cameras)
    router.add("GET", f"cameras/{ID}", get_camera)
    router.add("PUT", f"cameras/{ID}", update_camera)
    router.add("PATCH", f"cameras/{ID}", update_camera)
    router.add("POST", f"cameras/{ID}", camera_task)
    router.add("GET", f"hardware/{ID}/cameras", hardware_cameras)
    router.add("GET", "cameraGroups", list_groups)
    router.add("GET", f"cameraGroups/{ID}", get_group)
    router.add("GET", f"cameraGroups/{ID}/cameras", group_cameras)
    router.add("GET", f"cameraGroups/{ID}/cameraGroups", group_subgroups)
    router.add("GET", "sites", list_sites)
    router.add("GET", f"sites/{ID}", get_site)
