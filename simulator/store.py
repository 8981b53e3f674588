"""The simulated configuration database.

Objects are kept as JSON-ready dicts in insertion-ordered maps: listing 5000 cameras is then a plain
list of references that ``json.dumps`` serialises directly, which keeps big pages fast.  Handlers must
copy before they hand an object to code that could mutate it.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Callable

from .util import utc_now

# Built-in user-defined events every XProtect system has (docs/xprotect-api.md §3, EVT default_ids / PST table).
SYSTEM_EVENTS = (
    ("85867627-b287-4439-9e55-a63701e1715b", "RequestStartRecording"),
    ("77b1e70d-ba8d-4bb8-9ee8-43b09746d82a", "RequestStopRecording"),
    ("7605f8b0-7f5f-4432-b223-0bb2dc3f1f5c", "RequestPlayAudio"),
)


def path_ref(kind: str, ident: str) -> dict[str, str]:
    """A ``{"type": ..., "id": ...}`` reference as used in ``relations`` and task paths."""
    return {"type": kind, "id": ident}


def make_event(ident: str, name: str, subtype: str, created: str, modified: str) -> dict[str, Any]:
    """A userDefinedEvents object with exactly the OAS field set (docs/xprotect-api.md §3)."""
    return {
        "displayName": name,
        "id": ident,
        "name": name,
        "lastModified": modified,
        "createdDate": created,
        "subtype": subtype,
        "relations": {"self": path_ref("userDefinedEvents", ident)},
    }


def make_preset(camera_id: str, ident: str, name: str, *, pan: float = 0.0, tilt: float = 0.0, zoom: float = 0.0,
                description: str = "", device_internal_id: str = "", default: bool = False, locked: bool = False) -> dict[str, Any]:
    """A ptzPresets object (docs/xprotect-api.md §5).  ``devicePreset`` follows from having a device-side internal id."""
    return {
        "id": ident,
        "name": name,
        "displayName": name,
        "description": description,
        "devicePreset": bool(device_internal_id),
        "devicePresetInternalId": device_internal_id,
        "defaultPreset": default,
        "locked": locked,
        "pan": pan,
        "tilt": tilt,
        "zoom": zoom,
        "relations": {"self": path_ref("ptzPresets", ident), "parent": path_ref("cameras", camera_id)},
    }


@dataclasses.dataclass
class DevicePreset:
    """A preset stored on the (simulated) camera itself, importable with the GetDevicePresets task."""

    internal_id: str
    name: str
    pan: float
    tilt: float
    zoom: float


@dataclasses.dataclass
class Store:  # pylint: disable=too-many-instance-attributes
    """All configuration objects of one simulated site."""

    site: dict[str, Any]
    storages: list[dict[str, Any]]
    events: dict[str, dict[str, Any]]
    system_event_ids: frozenset[str]
    cameras: dict[str, dict[str, Any]]
    hardware_cameras: dict[str, list[str]]
    presets: dict[str, list[dict[str, Any]]]
    device_presets: dict[str, list[DevicePreset]]
    groups: dict[str, dict[str, Any]]
    group_cameras: dict[str, list[str]]
    group_children: dict[str, list[str]]
    top_groups: list[str]
    clock: Callable[[], str] = utc_now
    # Every type of the OpenAPI document (seed_site.py, res_generic.py): objects by type and id (the curated maps above
    # are the same dicts: objects["cameras"] is cameras), group members and subgroups by group id (members and
    # subgroups are group_cameras and group_children, extended to every kind of group), top-level groups by type,
    # derived child ids by "<parent id>/<type>", built-in objects (id -> the 400 text of a DELETE) and write-only values.
    objects: dict[str, dict[str, dict[str, Any]]] = dataclasses.field(default_factory=dict)
    members: dict[str, list[str]] = dataclasses.field(default_factory=dict)
    subgroups: dict[str, list[str]] = dataclasses.field(default_factory=dict)
    top: dict[str, list[str]] = dataclasses.field(default_factory=dict)
    derived: dict[str, list[str]] = dataclasses.field(default_factory=dict)
    builtin: dict[str, str] = dataclasses.field(default_factory=dict)
    secrets: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)

    @property
    def site_id(self) -> str:
        """Id of the one site (the parent of every task)."""
        return self.site["id"]

    def storage_ids(self) -> set[str]:
        """Ids of the recording storages a camera may reference."""
        if "storages" in self.objects:
            return set(self.objects["storages"])
        return {storage["id"] for storage in self.storages}

    def touch(self, obj: dict[str, Any]) -> None:
        """Stamp ``lastModified`` after a change."""
        obj["lastModified"] = self.clock()

    def camera_presets(self, camera_id: str) -> list[dict[str, Any]]:
        """The VMS preset list of a camera (empty for non-PTZ cameras)."""
        return self.presets.setdefault(camera_id, [])

    def find_preset(self, camera_id: str, preset_id: str) -> dict[str, Any] | None:
        """The preset ``preset_id`` of ``camera_id`` (ids compared case-insensitively)."""
        wanted = preset_id.lower()
        for preset in self.camera_presets(camera_id):
            if preset["id"] == wanted:
                return preset
        return None

    def set_default_preset(self, camera_id: str, preset_id: str) -> bool:
        """Make ``preset_id`` the camera's only default preset; False if it no longer exists."""
        presets = self.camera_presets(camera_id)
        if not any(preset["id"] == preset_id for preset in presets):
            return False
        for preset in presets:
            is_default = preset["id"] == preset_id
            if preset["defaultPreset"] != is_default:
                preset["defaultPreset"] = is_default
        return True
