"""Deterministic seed data: one site, the built-in System events, cameras, presets and camera groups (the rest of the
site is ``seed_site.py``'s).

Everything is drawn from ``random.Random(seed)`` in a fixed order, so the same ``--seed`` and
``--cameras`` always give the same ids, names and presets (tests and benchmarks depend on it).
Camera names are "<Area>[ <Direction>] <NNNN>[ PTZ]" so shell-style patterns such as ``Parking*`` or
``*PTZ`` select meaningful subsets.
"""

from __future__ import annotations

import datetime
import random
from typing import Any

from .seed_site import populate as populate_site
from .store import SYSTEM_EVENTS, DevicePreset, Store, make_event, make_preset, path_ref
from .util import RESERVED_DATE, format_timestamp, guid

AREAS = ("Lobby", "Parking", "Warehouse", "Entrance", "Perimeter", "Loading Dock", "Office", "Server Room",
         "Stairwell", "Cafeteria", "Garage", "Reception")
# Relative weights: outdoor areas have more cameras, as on a real site.
AREA_WEIGHTS = (6, 10, 8, 6, 10, 5, 6, 2, 3, 2, 5, 3)
DIRECTIONS = ("North", "South", "East", "West")
PRESET_NAMES = ("Home", "Overview", "Gate", "Door", "Fence", "Ramp", "Exit", "Corner", "Zone A", "Zone B", "Zone C", "Close-up")
FRAMERATES = (5, 5, 8, 10, 12, 15, 25, 30)
PTZ_RATIO = 0.3
DISABLED_RATIO = 0.05

# The LIVE 2025 R1 camera's lastModified; seed timestamps lie up to 120 days before it.
BASE_TIME = datetime.datetime(2025, 10, 27, 15, 3, 52, 807000, tzinfo=datetime.timezone.utc)
SYSTEM_EVENTS_TIME = "2025-01-15T08:12:41.3270000Z"


def _past(rng: random.Random, max_days: int = 120) -> str:
    """A deterministic timestamp before BASE_TIME, with millisecond precision like the LIVE sample."""
    delta = datetime.timedelta(milliseconds=rng.randrange(max_days * 86_400_000))
    return format_timestamp(BASE_TIME - delta)


def _site(rng: random.Random, product_version: str) -> dict[str, Any]:
    ident = guid(rng)
    return {
        "computerName": "XPMS01",
        "description": "Simulated XProtect management server",
        "displayName": "XPMS01",
        "domainName": "example.local",
        "id": ident,
        "lastModified": _past(rng),
        "lastStatusHandshake": format_timestamp(BASE_TIME),
        "masterSiteAddress": "",
        "name": "XPMS01",
        "physicalMemory": 0,
        "platform": "[Not Available]",
        "processors": 0,
        "serviceAccount": "S-1-5-20",
        "synchronizationStatus": 0,
        "timeZone": "Romance Standard Time",
        "version": product_version,
        "relations": {"self": path_ref("sites", ident)},
    }


def _camera(rng: random.Random, ident: str, name: str, *, hardware_id: str, channel: int, ptz: bool, enabled: bool,
            storage_id: str, area: str) -> dict[str, Any]:
    """A camera with exactly the field set of the LIVE 2025 R1 object (docs/xprotect-api.md §4)."""
    located = rng.random() < 0.4
    gis = f"POINT ({12.55 + rng.uniform(-0.05, 0.05):.6f} {55.67 + rng.uniform(-0.03, 0.03):.6f})" if located else "POINT EMPTY"
    return {
        "displayName": name,
        "enabled": enabled,
        "id": ident,
        "name": name,
        "channel": channel,
        "description": f"Covers the {area.lower()} area" if rng.random() < 0.3 else "",
        "createdDate": RESERVED_DATE,
        "lastModified": _past(rng),
        "gisPoint": gis,
        "shortName": "",
        "icon": 0,
        "coverageDirection": round(rng.random(), 2) if located else 0,
        "coverageDepth": rng.choice((10, 20, 33, 50)) if located else 0,
        "coverageFieldOfView": round(rng.uniform(0.2, 1.0), 2) if located else 0,
        "recordingFramerate": rng.choice(FRAMERATES),
        "recordKeyframesOnly": False,
        "recordOnRelatedDevices": True,
        "ptzEnabled": ptz,
        "recordingEnabled": rng.random() < 0.95,
        "prebufferEnabled": True,
        "prebufferInMemory": True,
        "prebufferSeconds": 3,
        "edgeStorageEnabled": False,
        "edgeStoragePlaybackEnabled": False,
        "manualRecordingTimeoutEnabled": True,
        "manualRecordingTimeoutMinutes": 15,
        "recordingStorage": path_ref("storages", storage_id),
        "failoverSetting": "FullSupport",
        "relations": {"parent": path_ref("hardware", hardware_id), "self": path_ref("cameras", ident)},
    }


def _position(rng: random.Random) -> tuple[float, float, float]:
    return round(rng.uniform(-1, 1), 4), round(rng.uniform(-1, 1), 4), round(rng.uniform(0, 1), 4)


def _ptz_presets(rng: random.Random, camera_id: str) -> tuple[list[dict[str, Any]], list[DevicePreset]]:
    """3-6 VMS presets, some imported from the device already; the device holds a few more."""
    device_count = rng.randint(2, 5)
    device = []
    for number in range(1, device_count + 1):
        pan, tilt, zoom = _position(rng)
        device.append(DevicePreset(internal_id=str(number), name=f"Preset {number}", pan=pan, tilt=tilt, zoom=zoom))
    total = rng.randint(3, 6)
    imported = min(rng.randint(0, device_count), total)
    presets = []
    for item in device[:imported]:
        presets.append(make_preset(camera_id, guid(rng), item.name, pan=item.pan, tilt=item.tilt, zoom=item.zoom,
                                   device_internal_id=item.internal_id))
    for name in rng.sample(PRESET_NAMES, total - imported):
        pan, tilt, zoom = _position(rng)
        presets.append(make_preset(camera_id, guid(rng), name, pan=pan, tilt=tilt, zoom=zoom, locked=rng.random() < 0.1))
    if rng.random() < 0.6:
        rng.choice(presets)["defaultPreset"] = True
    return presets, device


def _group(ident: str, name: str, description: str, modified: str) -> dict[str, Any]:
    return {
        "builtIn": False,
        "description": description,
        "displayName": name,
        "id": ident,
        "lastModified": modified,
        "name": name,
        "relations": {"self": path_ref("cameraGroups", ident)},
    }


def build_store(seed: int, cameras: int, product_version: str = "25.1.1804.0",  # pylint: disable=too-many-locals
                per_hardware: int = 0) -> Store:
    """Build the whole site for ``seed`` with ``cameras`` cameras."""
    rng = random.Random(seed)
    site = _site(rng, product_version)
    storages = [{"id": guid(rng), "name": "Local default"}, {"id": guid(rng), "name": "Archive"}]
    events = {ident: make_event(ident, name, "System", SYSTEM_EVENTS_TIME, SYSTEM_EVENTS_TIME) for ident, name in SYSTEM_EVENTS}

    camera_map: dict[str, dict[str, Any]] = {}
    hardware_cameras: dict[str, list[str]] = {}
    presets: dict[str, list[dict[str, Any]]] = {}
    device_presets: dict[str, list[DevicePreset]] = {}
    by_area: dict[str, list[str]] = {}
    by_direction: dict[tuple[str, str], list[str]] = {}
    ptz_ids: list[str] = []
    hardware_id = ""
    for number in range(1, cameras + 1):
        area = rng.choices(AREAS, weights=AREA_WEIGHTS)[0]
        direction = rng.choice(DIRECTIONS) if rng.random() < 0.4 else ""
        ptz = rng.random() < PTZ_RATIO
        enabled = rng.random() >= DISABLED_RATIO
        ident = guid(rng)
        name = " ".join(part for part in (area, direction, f"{number:04d}", "PTZ" if ptz else "") if part)
        # Fixed cameras are sometimes channels of a 4-channel encoder; PTZ cameras are always their own hardware.
        siblings = hardware_cameras.get(hardware_id, [])
        if per_hardware:  # --cameras-per-hardware: K channels of each hardware, in order
            channel = (number - 1) % per_hardware
            hardware_id = guid(rng) if channel == 0 else hardware_id
        elif not ptz and siblings and len(siblings) < 4 and not camera_map[siblings[-1]]["ptzEnabled"] and rng.random() < 0.3:
            channel = len(siblings)
        else:
            hardware_id = guid(rng)
            channel = 0
        hardware_cameras.setdefault(hardware_id, []).append(ident)
        storage_id = storages[1 if rng.random() < 0.1 else 0]["id"]
        camera_map[ident] = _camera(rng, ident, name, hardware_id=hardware_id, channel=channel, ptz=ptz, enabled=enabled,
                                    storage_id=storage_id, area=area)
        if ptz:
            presets[ident], device_presets[ident] = _ptz_presets(rng, ident)
            ptz_ids.append(ident)
        by_area.setdefault(area, []).append(ident)
        if direction:
            by_direction.setdefault((area, direction), []).append(ident)

    groups: dict[str, dict[str, Any]] = {}
    group_cameras: dict[str, list[str]] = {}
    group_children: dict[str, list[str]] = {}
    top_groups: list[str] = []
    for area in sorted(by_area):
        ident = guid(rng)
        groups[ident] = _group(ident, area, f"Cameras in the {area.lower()} area", _past(rng))
        group_cameras[ident] = list(by_area[area])
        group_children[ident] = []
        top_groups.append(ident)
        for direction in DIRECTIONS:
            members = by_direction.get((area, direction))
            if members:
                child = guid(rng)
                groups[child] = _group(child, f"{area} {direction}", f"{direction} side of the {area.lower()} area", _past(rng))
                group_cameras[child] = list(members)
                group_children[child] = []
                group_children[ident].append(child)
    ident = guid(rng)
    groups[ident] = _group(ident, "PTZ cameras", "All pan-tilt-zoom cameras", _past(rng))
    group_cameras[ident] = ptz_ids
    group_children[ident] = []
    top_groups.append(ident)
    top_groups.sort(key=lambda gid: groups[gid]["name"])

    store = Store(site=site, storages=storages, events=events, system_event_ids=frozenset(ident for ident, _name in SYSTEM_EVENTS),
                  cameras=camera_map, hardware_cameras=hardware_cameras, presets=presets, device_presets=device_presets,
                  groups=groups, group_cameras=group_cameras, group_children=group_children, top_groups=top_groups)
    populate_site(store, seed)  # recording servers, hardware, the other devices and every other type, around the cameras
    return store
