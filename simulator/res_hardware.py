"""Hardware as the recording server knows it: the driver settings of a hardware and its removal.

- ``GET /hardware/{id}/hardwareDriverSettings`` and ``GET /hardware/{id}/hardwareDriverSettings/{id}``: the object of the
  document's schema (``displayName`` ``Settings``, ``hardwarePtz``, ``relations``) with, as the OAS prose's example of the
  ``definitions`` parameter shows it ("from the hardwareDriverSettings resource on an Axis hardware"), a
  ``HardwareDriverSettings`` block: ``displayName`` ``General`` and ``detectedModelName``, and [I] the MIP SDK's
  HardwareDriverSettings properties MacAddress, FirmwareVersion and SerialNumber in camelCase (``macAddress``,
  ``firmwareVersion``, ``serialNumber``).  Every value is a string and none can be set; ``?definitions`` mirrors the data
  (``hardwarePtz`` too) with ``canSet`` spelled as in the prose (``"false"``).  The values are those of the device behind
  the hardware on the simulated network (``network.py``), read when asked: a firmware update or a ReplaceHardware shows at
  once.  ``--hardware-driver-settings schema`` leaves the block out (the schema alone).
- ``DELETE /recordingServers/{rs}/hardware/{id}``: the hardware and everything on it (cameras, microphones, speakers,
  metadata, inputs, outputs, their settings, presets and group memberships) go, and its driver's ``useCount`` goes down.
  ``DELETE /hardware/{id}`` is not in the document and answers as every method a path lacks (400 ``Unknown request``).
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from . import res_generic as generic
from .responses import not_found
from .rest import ID, RestRequest, Router, collection, single, state_success
from .schema import TABLES
from .state import SimState
from .store import Store

TYPE = "hardwareDriverSettings"
BLOCK = "HardwareDriverSettings"  # the prose's spelling, upper-case H, in data and in definitions
# The translation id the prose gives detectedModelName; the others are not documented and left out.
TRANSLATION_IDS = {"detectedModelName": "a57d4e50-4158-4d04-955a-3141653e44dc"}
BLOCK_FIELDS = ("detectedModelName", "macAddress", "firmwareVersion", "serialNumber")


def settings_block(state: SimState, hardware: dict[str, Any]) -> dict[str, str]:
    """The ``HardwareDriverSettings`` block of a hardware: what the driver reads from the device at its address (the
    hardware's model and empty strings when no device answers there)."""
    device = state.network.find(hardware.get("address"))
    if device is None:
        return {"displayName": "General", "detectedModelName": str(hardware.get("model", "")), "macAddress": "", "firmwareVersion": "",
                "serialNumber": ""}
    return {"displayName": "General", "detectedModelName": device.model, "macAddress": device.mac_address,
            "firmwareVersion": device.firmware, "serialNumber": device.serial_number}


def block_definitions() -> dict[str, dict[str, str]]:
    """``definitions.HardwareDriverSettings``: read-only strings, ``canSet`` spelled as in the prose's example."""
    found = {}
    for name in BLOCK_FIELDS:
        entry = {"canSet": "false", "valueType": "string"}
        if name in TRANSLATION_IDS:
            entry["translationId"] = TRANSLATION_IDS[name]
        found[name] = entry
    return found


def _hardware(store: Store, ident: str) -> dict[str, Any]:
    hardware = store.objects.get("hardware", {}).get(ident.lower())
    if hardware is None:
        raise not_found()
    return hardware


def _answer(state: SimState, hardware: dict[str, Any], obj: dict[str, Any]) -> dict[str, Any]:
    """The stored object as answered: the block after ``displayName``, as in the prose."""
    if state.config.hardware_driver_settings == "schema":
        return obj
    shown: dict[str, Any] = {}
    for key, value in obj.items():
        shown[key] = value
        if key == "displayName":
            shown[BLOCK] = settings_block(state, hardware)
    shown.setdefault(BLOCK, settings_block(state, hardware))
    return shown


def _settings_of(req: RestRequest) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    store = req.state.store
    hardware = _hardware(store, req.ids[0])
    return hardware, generic.children(store, "hardware", generic.ident_of(hardware), TYPE)


async def list_settings(req: RestRequest) -> web.Response:
    """GET /hardware/{id}/hardwareDriverSettings (the document: "Get array of all hardwareDriverSettings")."""
    hardware, items = _settings_of(req)
    return collection(req, [_answer(req.state, hardware, obj) for obj in items])


async def get_settings(req: RestRequest) -> web.Response:
    """GET /hardware/{id}/hardwareDriverSettings/{id}, ``?definitions`` as in the prose."""
    hardware, items = _settings_of(req)
    wanted = req.ids[1].lower()
    obj = next((item for item in items if generic.ident_of(item) == wanted), None)
    if obj is None:
        raise not_found()
    if req.state.config.hardware_driver_settings == "schema":
        defined = generic.definitions(req.state.store, TYPE)
    else:  # mirrors the data, canSet spelled as in the prose's example
        defined = {"displayName": {"canSet": "false", "valueType": "string"}, BLOCK: block_definitions(),
                   "hardwarePtz": {"ptzUsePtzDeviceID": {"canSet": "false", "valueType": "bool"}}}
    return single(req, _answer(req.state, hardware, obj), resources=generic.resources(req, TYPE), definitions=defined)


def remove_hardware(store: Store, ident: str) -> None:
    """Delete a hardware with everything on it, and give its driver one use less."""
    hardware = store.objects.get("hardware", {}).get(ident)
    if hardware is None:
        return
    driver = store.objects.get("hardwareDrivers", {}).get(str((hardware.get("hardwareDriverPath") or {}).get("id", "")).lower())
    if driver is not None and isinstance(driver.get("useCount"), int) and driver["useCount"] > 0:
        driver["useCount"] -= 1
    generic.remove(store, "hardware", ident)


async def delete_hardware(req: RestRequest) -> web.Response:
    """DELETE /recordingServers/{rs}/hardware/{id}: only hardware of that recording server (404 otherwise)."""
    store = req.state.store
    server_id, ident = req.ids[0].lower(), req.ids[1].lower()
    hardware = store.objects.get("hardware", {}).get(ident)
    if server_id not in store.objects.get("recordingServers", {}) or hardware is None or \
            str((generic.parent_of(hardware) or {}).get("id", "")).lower() != server_id:
        raise not_found()
    remove_hardware(store, ident)
    return state_success()


def register(router: Router) -> None:
    """The routes above, before the generic layer fills in the rest of the document."""
    assert any(route.path == f"hardware/{{id}}/{TYPE}/{{id}}" for route in TABLES.routes)
    router.add("GET", f"hardware/{ID}/{TYPE}", list_settings)
    router.add("GET", f"hardware/{ID}/{TYPE}/{ID}", get_settings)
    router.add("DELETE", f"recordingServers/{ID}/hardware/{ID}", delete_hardware)
