"""Server tasks with their effects on the simulated site, as a real server runs them (docs/xprotect-api.md §6, §7).

The generic layer (``res_generic.py``) checks a task's parameters against the document and hands the tasks listed in
``EFFECTS`` to their effect here.  A task invoked without parameters still answers 400 ``parameters missing`` with
``params`` (and ``definitions`` with ``&definitions``): here the choices come from the site (the other recording servers of a
MoveHardware, the storages of the device's recording server, the client profiles, the security namespaces) and, where a
value is kept, the current one (SetClientProfile).  Two shapes of answer, as the document shows them:

- long-running tasks answer ``{"result": {<parameters>, "state": "Idle", "path": {"type": "tasks", "id": "<n>"}}}`` (AddHardware
  with 201 Created, the document's example) and run in the task registry (``tasks.py``) for ``--task-seconds``
  (UpdateFirmwareHardware three times as long): Idle, InProgress, then Success, when the effect is applied, or Error with
  ``errorCode`` and ``errorText``; the task data carries the task's own fields (``hardwarePath`` of the hardware it works on,
  ``recordingServerPath``, ...) and, on success, what it produced (``hardwarePath`` of the added hardware, a scan's findings).
  TaskStop ends one without its effect; TaskCleanup removes it.
- quick ones answer ``{"result": {..., "state": "Success"}}`` at once, or ``"state": "Error"`` with ``errorCode`` and
  ``errorText`` when the device refuses.

Faults (``task_outcome``, ``task_outcomes`` keyed by the id of the object the task runs on): a long task ends in Error
(AddHardware with the document's ``VMO60277`` example) or hangs InProgress; a quick one answers state Error under
``error`` and 504 Gateway Timeout under ``hang`` (502/504 are documented for device tasks), without its effect.

Error texts of a real server: ``VMO60276 ... already defined on the recording server`` (MilestonePSTools users adding an
address again), ``VMO60281 ... not possible to connect to or receive information from the hardware`` (a device that is
offline or refuses the credentials or the driver), ``VMO60277`` (the document's example).  The devices are those of the
simulated network (``network.py``).
"""

from __future__ import annotations

import base64
import dataclasses
import json
import logging
import re
from typing import Any, Callable
from urllib.parse import urlsplit

from aiohttp import web

from . import res_generic as generic
from . import res_hardware
from .live import OUTPUT_ACTIVATED, OUTPUT_DEACTIVATED
from .network import FACTORY_CREDENTIALS, Device, fit, host_of, live_jpeg, next_firmware
from .responses import ApiError, bad_request, json_response
from .rest import RestRequest, Router, result
from .schema import TABLES, FieldSpec, Route
from .seed_site import new_object
from .state import SimState
from .store import Store, path_ref
from .tasks import DEVICE_ERROR_CODE, DEVICE_ERROR_TEXT, Task
from .util import RESERVED_DATE, random_guid

LOG = logging.getLogger("simulator")

ADD_FAILED_CODE = 60281
CONNECT_TEXT = ("It was not possible to connect to or receive information from the hardware. Verify that the following is correct: "
                "address, port, user name, password and hardware driver.")
ALREADY_DEFINED = (60276, "VMO60276: Could not add the hardware.\n\nThe hardware is already defined on the recording server.")
RECORDER_UNREACHABLE = (60277, "VMO60277: Could not add the hardware.\n\nUnable to connect to the recording server while setting up the hardware.")
PERMISSION_VALUES = ("Allow", "Deny", "None")
FIRMWARE_FACTOR = 3.0
DEVICE_TYPES = ("cameras", "microphones", "speakers", "metadata")
CHILD_LABELS = {"cameras": "Camera", "microphones": "Microphone", "speakers": "Speaker", "metadata": "Metadata", "inputEvents": "Input",
                "outputs": "Output"}
SLASH_RE = re.compile(r"^([A-Za-z]+)/([0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})$")


def device_error(detail: str) -> tuple[int, str]:
    """A device task's failure in the format of the task errors (``VMO61002: ...``)."""
    return DEVICE_ERROR_CODE, f"VMO{DEVICE_ERROR_CODE}: The operation failed. {detail}"


def connect_error(action: str) -> tuple[int, str]:
    """What a server says when it cannot talk to the hardware (address, credentials or driver wrong; device offline)."""
    return ADD_FAILED_CODE, f"VMO{ADD_FAILED_CODE}: Could not {action} the hardware.\n{CONNECT_TEXT}"


# ============================================================================================================ lookups

def own_path(type_name: str, ident: str) -> dict[str, dict[str, str]]:
    """The task field naming the object a task runs on: ``cameraPath``, ``hardwarePath``, ``recordingServerPath``, ..."""
    singular = type_name if type_name in ("hardware", "metadata") else type_name.removesuffix("s")
    return {f"{singular}Path": path_ref(type_name, ident)}


def parent_id(obj: dict[str, Any] | None) -> str:
    """The id in ``relations.parent``."""
    return str((generic.parent_of(obj or {}) or {}).get("id", "")).lower()


def reference(value: Any, type_name: str) -> str | None:
    """The id a ``<type>/<id>``, ``Type[<ID>]`` or ``{"type", "id"}`` value names, when it is of ``type_name`` (lower case)."""
    if isinstance(value, dict):
        kind, ident = value.get("type"), value.get("id")
        if isinstance(kind, str) and isinstance(ident, str) and TABLES.canonical(kind) == type_name and generic.GUID_RE.match(ident):
            return ident.lower()
        return None
    text = str(value or "").strip()
    match = SLASH_RE.match(text)
    if match and TABLES.canonical(match.group(1)) == type_name:
        return match.group(2).lower()
    match = generic.BRACKET_RE.match(text)
    if match and TABLES.canonical(match.group(1)[:1].lower() + match.group(1)[1:] + "s") == type_name:
        return match.group(2).lower()
    return None


def drivers_of(store: Store, server_id: str) -> list[dict[str, Any]]:
    """The hardware drivers of a recording server."""
    return generic.children(store, "recordingServers", server_id, "hardwareDrivers")


def storages_of(store: Store, server_id: str) -> list[dict[str, Any]]:
    """The recording storages of a recording server."""
    return generic.children(store, "recordingServers", server_id, "storages")


def default_storage(store: Store, server_id: str) -> dict[str, Any] | None:
    """A recording server's default storage (its first one when none is marked)."""
    storages = storages_of(store, server_id)
    return next((storage for storage in storages if storage.get("isDefault")), storages[0] if storages else None)


def server_of_device(store: Store, device: dict[str, Any]) -> str:
    """The recording server a camera (microphone, ...) records on: its hardware's parent."""
    hardware = store.objects.get("hardware", {}).get(parent_id(device))
    return parent_id(hardware)


def hardware_devices(store: Store, hardware_id: str) -> list[tuple[str, dict[str, Any]]]:
    """Every device of a hardware: (type, object) of its cameras, microphones, speakers, metadata, inputs and outputs."""
    found = [("cameras", store.cameras[ident]) for ident in store.hardware_cameras.get(hardware_id, []) if ident in store.cameras]
    for type_name in ("microphones", "speakers", "metadata", "inputEvents", "outputs"):
        found += [(type_name, obj) for obj in store.objects.get(type_name, {}).values() if parent_id(obj) == hardware_id]
    return found


def driver_group(store: Store, hardware: dict[str, Any]) -> str:
    """The driver group (AXIS, Hanwha, ...) of a hardware's driver."""
    driver = store.objects.get("hardwareDrivers", {}).get(str((hardware.get("hardwareDriverPath") or {}).get("id", "")).lower())
    return str((driver or {}).get("groupName", ""))


def same_host_on(store: Store, server_id: str, address: Any, other_than: str = "") -> bool:
    """Whether hardware of the recording server already has this address (host compared, any scheme or port)."""
    host = host_of(address)
    return any(host_of(hardware.get("address")) == host and ident != other_than and parent_id(hardware) == server_id
               for ident, hardware in store.objects.get("hardware", {}).items())


def hardware_url(address: str, *, https: bool | None = None, port: int | None = None) -> str:
    """The address a hardware object keeps, ``http://<host>[:<port>]/``: the scheme and port given are kept unless
    ``https`` and ``port`` say otherwise."""
    text = address.strip()
    parts = urlsplit(text if "://" in text else "http://" + text)
    scheme = ("https" if https else "http") if https is not None else (parts.scheme.lower() or "http")
    if port is None:
        try:
            port = parts.port
        except ValueError:
            port = None
    host = host_of(text)
    shown = f"[{host}]" if ":" in host else host
    return f"{scheme}://{shown}{f':{port}' if port and port != (443 if scheme == 'https' else 80) else ''}/"


def require_text(params: dict[str, Any], name: str) -> str:
    """A parameter that must be a non-empty string (400 naming it otherwise)."""
    value = params.get(name)
    if not isinstance(value, str) or not value.strip():
        raise bad_request(f"Bad request: {name} is required", prop=name)
    return value


def option(value: str, name: Any) -> dict[str, str]:
    """One ``options`` entry of a ``definitions`` answer."""
    return {"value": value, "displayName": str(name or "")}


def enum_definition(options: list[dict[str, str]]) -> dict[str, Any]:
    """A ``definitions`` entry with the site's choices."""
    return {"canSet": True, "valueType": "enum", "options": options}


# ======================================================================================================= answering

@dataclasses.dataclass
class Call:
    """One invocation: the request, the route, the object the task runs on (the role for ``roles/{id}/users``), the task
    name in its documented spelling, and the checked parameters."""

    req: RestRequest
    route: Route
    obj: dict[str, Any]
    task: str
    params: dict[str, Any]

    @property
    def state(self) -> SimState:
        """The simulator."""
        return self.req.state

    @property
    def store(self) -> Store:
        """The site now."""
        return self.req.state.store

    @property
    def ident(self) -> str:
        """Id of the object the task runs on."""
        return generic.ident_of(self.obj)


def quick(call: Call, echo: dict[str, Any], apply: Callable[[], Any]) -> web.Response:
    """A task answered at once: ``apply`` returns the result's own values (a dict or None) or an (errorCode, errorText) failure."""
    outcome = call.state.faults.outcome_for(call.ident)
    if outcome == "hang":
        raise ApiError(504)
    if outcome == "error":
        return result({**echo, "state": "Error", "errorCode": DEVICE_ERROR_CODE, "errorText": DEVICE_ERROR_TEXT})
    done = apply()
    if isinstance(done, tuple):
        return result({**echo, "state": "Error", "errorCode": done[0], "errorText": done[1]})
    return result({**echo, **(done or {}), "state": "Success"})


def start(call: Call, display: str, effect: Callable[[Task], tuple[int, str] | None], *, echo: dict[str, Any],  # pylint: disable=too-many-arguments
          fields: dict[str, Any] | None = None, factor: float = 1.0, status: int = 200,
          fault_error: tuple[int, str] | None = None) -> web.Response:
    """A long-running task: registered Idle, its effect applied when it succeeds (see the module docstring)."""
    state = call.state

    def run(task: Task) -> tuple[int, str] | None:
        try:
            return effect(task)
        except Exception:  # pylint: disable=broad-exception-caught  # a simulator bug must not break every later request
            LOG.exception("the effect of task %s (%s) failed", task.ident, task.kind)
            return device_error("The server could not complete the task.")

    task = state.tasks.create(call.task, site_id=state.store.site_id, duration=state.task_seconds * factor,
                              outcome=state.faults.outcome_for(call.ident), effect=run, display_name=display,
                              fields=fields if fields is not None else own_path(call.route.type, call.ident), fault_error=fault_error)
    return result({**echo, "state": "Idle", "path": path_ref("tasks", task.ident)}, status=status)


Describe = Callable[[RestRequest, "dict[str, Any] | None", dict[str, Any], dict[str, Any]], "tuple[dict[str, Any], dict[str, Any]]"]


@dataclasses.dataclass(frozen=True)
class TaskEffect:
    """How one task of the document behaves: ``handler`` answers a checked invocation; ``describe`` adjusts the params
    answer (values, definitions); ``extra`` are parameters beyond the document's; with ``open_params`` unknown parameters
    reach the handler unchecked (it checks them)."""

    handler: Callable[[Call], web.Response]
    describe: Describe | None = None
    extra: dict[str, FieldSpec] = dataclasses.field(default_factory=dict)
    open_params: bool = False

    def run(self, req: RestRequest, route: Route, obj: dict[str, Any], task: str, params: dict[str, Any]) -> web.Response:
        """Answer the invocation (res_generic calls this once the parameters are checked)."""
        return self.handler(Call(req, route, obj, task, params))


# ========================================================================================================== hardware

def read_password(call: Call) -> web.Response:
    """ReadPasswordHardware: the password the VMS keeps for the hardware (MilestonePSTools' Get-VmsHardwarePassword)."""
    return quick(call, {}, lambda: {"password": call.store.secrets.get(call.ident, {}).get("password", "")})


def change_password(call: Call) -> web.Response:
    """ChangePasswordHardware: the VMS password at once; with ``updatePasswordOnDevice`` the device's too, as a task."""
    password = require_text(call.params, "password")
    store, state, hardware = call.store, call.state, call.obj
    echo = dict(call.params)

    def keep() -> None:
        store.secrets.setdefault(generic.ident_of(hardware), {})["password"] = password
        stamp = store.clock()
        hardware["passwordLastModified"] = stamp
        hardware["lastModified"] = stamp

    if not call.params.get("updatePasswordOnDevice"):
        return quick(call, echo, keep)

    def on_device(_task: Task) -> tuple[int, str] | None:
        device = state.network.find(hardware.get("address"))
        if device is None or not device.reachable:
            return device_error("Communication with the device was lost.")
        if not device.accepts(hardware.get("userName"), store.secrets.get(generic.ident_of(hardware), {}).get("password")):
            return device_error("The device refused the current user name and password.")
        device.password = password
        keep()
        return None

    return start(call, "Changing hardware password", on_device, echo=echo)


def _move_describe(req: RestRequest, obj: dict[str, Any] | None, values: dict[str, Any],
                   defined: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    store = req.state.store
    current = parent_id(obj)
    servers = [(ident, server) for ident, server in store.objects.get("recordingServers", {}).items() if ident != current]
    defined["destinationRecordingServer"] = enum_definition([option(f"recordingServers/{ident}", server.get("name")) for ident, server in servers])
    defined["destinationStorage"] = enum_definition([option(f"storages/{generic.ident_of(storage)}", f"{server.get('name')} / {storage.get('name')}")
                                                     for ident, server in servers for storage in storages_of(store, ident)])
    defined["ignoreSourceRecordingServer"] = {"canSet": True, "valueType": "bool"}
    return values, defined


def move_hardware(call: Call) -> web.Response:
    """MoveHardware: the hardware and its devices to another recording server, recording on one of its storages."""
    store, hardware = call.store, call.obj
    given = require_text(call.params, "destinationRecordingServer")
    destination = reference(given, "recordingServers")
    if destination is None or destination not in store.objects.get("recordingServers", {}):
        raise bad_request(f"Invalid path. {given}; use recordingServers/<id> of a recording server", prop="destinationRecordingServer")
    if destination == parent_id(hardware):
        name = store.objects["recordingServers"][destination].get("name")
        raise bad_request(f"Bad request: the hardware is already on recording server '{name}'", prop="destinationRecordingServer")
    storage_id = None
    if call.params.get("destinationStorage"):
        storage_id = reference(call.params["destinationStorage"], "storages")
        if storage_id is None or storage_id not in {generic.ident_of(item) for item in storages_of(store, destination)}:
            raise bad_request(f"Bad request: {call.params['destinationStorage']} is not a storage of the destination recording server",
                              prop="destinationStorage")

    def move(_task: Task) -> tuple[int, str] | None:
        server = store.objects.get("recordingServers", {}).get(destination)
        if server is None:
            return device_error("The destination recording server no longer exists.")
        group = driver_group(store, hardware)
        driver = next((item for item in drivers_of(store, destination) if item.get("groupName") == group), None)
        if driver is None:
            return device_error(f"Recording server '{server.get('name')}' does not have the {group or 'hardware'} driver installed.")
        if same_host_on(store, destination, hardware.get("address")):
            return ALREADY_DEFINED
        storage = store.objects.get("storages", {}).get(storage_id or "") or default_storage(store, destination)
        _use_driver(store, hardware, driver)
        hardware["relations"]["parent"] = path_ref("recordingServers", destination)
        stamp = store.clock()
        hardware["lastModified"] = stamp
        for _type_name, device in hardware_devices(store, generic.ident_of(hardware)):
            if "recordingStorage" in device and storage is not None:
                device["recordingStorage"] = path_ref("storages", generic.ident_of(storage))
                device["lastModified"] = stamp
        return None

    return start(call, "Moving hardware", move, echo=dict(call.params))


def _use_driver(store: Store, hardware: dict[str, Any], driver: dict[str, Any]) -> None:
    """Point the hardware at ``driver``, keeping the drivers' ``useCount`` right."""
    old = store.objects.get("hardwareDrivers", {}).get(str((hardware.get("hardwareDriverPath") or {}).get("id", "")).lower())
    if old is not None and isinstance(old.get("useCount"), int) and old["useCount"] > 0:
        old["useCount"] -= 1
    if isinstance(driver.get("useCount"), int):
        driver["useCount"] += 1
    hardware["hardwareDriverPath"] = path_ref("hardwareDrivers", generic.ident_of(driver))


def _replace_describe(req: RestRequest, obj: dict[str, Any] | None, values: dict[str, Any],
                      defined: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    drivers = drivers_of(req.state.store, parent_id(obj))
    defined["driver"] = enum_definition([option(str(driver.get("number")), driver.get("name")) for driver in drivers])
    return values, defined


def replace_hardware(call: Call) -> web.Response:
    """ReplaceHardware: the hardware takes the address, driver and credentials of a new device; its devices are kept."""
    store, state, hardware = call.store, call.state, call.obj
    params = call.params
    address = require_text(params, "address")
    number = require_text(params, "driver").strip()
    driver = next((item for item in drivers_of(store, parent_id(hardware)) if str(item.get("number")) == number), None)
    if driver is None:
        numbers = ", ".join(str(item.get("number")) for item in drivers_of(store, parent_id(hardware)))
        raise bad_request(f"Bad request: driver must be the number of a driver of the recording server ({numbers})", prop="driver")
    ident = generic.ident_of(hardware)
    user_name = params.get("userName") if isinstance(params.get("userName"), str) else hardware.get("userName", "")
    password = params.get("password") if isinstance(params.get("password"), str) else store.secrets.get(ident, {}).get("password", "")
    https = bool(params.get("useHttps"))
    port = params.get("httpsPort") if https else params.get("port")

    def replace(_task: Task) -> tuple[int, str] | None:
        device = state.network.find(address)
        if device is None or not device.reachable or driver.get("groupName") not in device.drivers or not device.accepts(user_name, password):
            return connect_error("replace")
        if same_host_on(store, parent_id(hardware), address, other_than=ident):
            return ALREADY_DEFINED
        _use_driver(store, hardware, driver)
        stamp = store.clock()
        if password != store.secrets.get(ident, {}).get("password"):
            hardware["passwordLastModified"] = stamp
        store.secrets.setdefault(ident, {})["password"] = password
        hardware.update({"address": hardware_url(address, https=https, port=port if isinstance(port, int) else None),
                         "userName": user_name, "model": device.model, "lastModified": stamp})
        return None

    return start(call, "Replacing hardware", replace, echo=dict(params))


def update_firmware(call: Call) -> web.Response:
    """UpdateFirmwareHardware: the device installs the uploaded firmware (``storageId``); it takes a while."""
    require_text(call.params, "storageId")
    state, hardware = call.state, call.obj

    def update(_task: Task) -> tuple[int, str] | None:
        device = state.network.find(hardware.get("address"))
        if device is None or not device.reachable:
            return device_error("Communication with the device was lost.")
        device.firmware = next_firmware(device.firmware)
        return None

    return start(call, "Updating firmware", update, echo=dict(call.params), factor=FIRMWARE_FACTOR)


# ================================================================================================= recording servers

def _driver_describe(req: RestRequest, obj: dict[str, Any] | None, values: dict[str, Any],
                     defined: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    drivers = drivers_of(req.state.store, generic.ident_of(obj or {}))
    if "hardwareDriverPath" in defined:
        defined["hardwareDriverPath"] = {"canSet": True, "valueType": "path", "options": [
            option(f"hardwareDrivers/{generic.ident_of(driver)}", driver.get("name")) for driver in drivers]}
    if "hardwareDriverIds" in defined:
        defined["hardwareDriverIds"] = {"canSet": True, "valueType": "string", "options": [
            option(str(driver.get("number")), driver.get("name")) for driver in drivers]}
    return values, defined


def _credentials(params: dict[str, Any], prefixes: tuple[str, ...]) -> list[tuple[str, str]]:
    found = []
    for prefix in prefixes:
        user = params.get(f"{prefix}UserName" if prefix else "userName")
        password = params.get(f"{prefix}Password" if prefix else "password")
        if isinstance(user, str) and user:
            found.append((user, password if isinstance(password, str) else ""))
    return found


def _with_defaults(credentials: list[tuple[str, str]], use_defaults: bool, group: str) -> list[tuple[str, str]]:
    return credentials + ([FACTORY_CREDENTIALS[group]] if use_defaults and group in FACTORY_CREDENTIALS else [])


def hosts_in_use(store: Store) -> dict[str, set[str]]:
    """Per host, the recording servers with hardware at that host (one pass over the hardware, for a whole scan)."""
    found: dict[str, set[str]] = {}
    for hardware in store.objects.get("hardware", {}).values():
        found.setdefault(host_of(hardware.get("address")), set()).add(parent_id(hardware))
    return found


def _findings(hosts: dict[str, set[str]], server_id: str, device: Device, address: str, driver: dict[str, Any] | None,
              login: tuple[str, str] | None) -> dict[str, Any]:
    """One scan result (the fields MilestonePSTools reads from a hardware scan: VmsHardwareScanResult); ``hosts`` is
    :func:`hosts_in_use`."""
    servers = hosts.get(device.address, set())
    local, anywhere = server_id in servers, bool(servers)
    return {"hardwareAddress": address, "hardwareDriverPath": path_ref("hardwareDrivers", generic.ident_of(driver) if driver else generic.ZERO_GUID),
            "userName": login[0] if login else "", "password": login[1] if login else "", "macAddress": device.mac_address,
            "hardwareScanValidated": login is not None and driver is not None, "macAddressExistsLocal": local,
            "macAddressExistsGlobal": anywhere}


def hardware_scan(call: Call) -> web.Response:
    """HardwareScan: which of the given drivers (``hardwareDriverIds``, numbers; empty: all) speaks to the device at an address."""
    store, state, server_id = call.store, call.state, call.ident
    params = call.params
    address = require_text(params, "hardwareAddress")
    drivers = drivers_of(store, server_id)
    wanted = [part.strip() for part in str(params.get("hardwareDriverIds") or "").split(";") if part.strip()]
    numbers = {str(driver.get("number")) for driver in drivers}
    unknown = [part for part in wanted if part not in numbers]
    if unknown:
        raise bad_request(f"Bad request: hardwareDriverIds names no driver of the recording server: {', '.join(unknown)}", prop="hardwareDriverIds")
    candidates = [driver for driver in drivers if not wanted or str(driver.get("number")) in wanted]
    credentials = _credentials(params, ("",))

    def scan(task: Task) -> tuple[int, str] | None:
        device = state.network.find(address)
        if device is None or not device.reachable:
            return connect_error("detect")
        driver = next((item for group in device.drivers for item in candidates if item.get("groupName") == group), None)
        logins = _with_defaults(credentials, bool(params.get("useDefaultCredentials")), device.vendor)
        login = next((pair for pair in logins if device.accepts(*pair)), None)
        if driver is None or login is None:
            return connect_error("detect")
        task.extra.update(_findings(hosts_in_use(store), server_id, device, hardware_url(address), driver, login))
        return None

    return start(call, "Detecting hardware driver", scan, echo=dict(params))


def hardware_scan_express(call: Call) -> web.Response:
    """HardwareScanExpress: the devices on the recording server's network, each with the driver that speaks to it and whether
    one of the credential sets given (or the factory ones, ``useDefaultCredentials``) logs in."""
    store, state, server_id = call.store, call.state, call.ident
    params = call.params
    credentials = _credentials(params, ("primary", "secondary", "tertiary"))
    secure = bool(params.get("useSecurePort"))

    def scan(task: Task) -> tuple[int, str] | None:
        drivers = drivers_of(store, server_id)
        hosts = hosts_in_use(store)
        found = []
        for device in state.network.local(server_id):
            if not device.reachable:
                continue
            driver = next((item for group in device.drivers for item in drivers if item.get("groupName") == group), None)
            logins = _with_defaults(credentials, bool(params.get("useDefaultCredentials")), device.vendor)
            login = next((pair for pair in logins if device.accepts(*pair)), None)
            found.append(_findings(hosts, server_id, device, hardware_url(device.address, https=secure), driver, login))
        task.extra["results"] = found
        return None

    return start(call, "Detecting hardware", scan, echo=dict(params))


def add_hardware(call: Call) -> web.Response:
    """AddHardware: new hardware on the recording server, with its devices, all disabled (OAS: "newly added hardware, and the
    devices it contains, will be disabled initially"); the task's ``hardwarePath`` names it."""
    store, state, server_id = call.store, call.state, call.ident
    params = call.params
    address = require_text(params, "hardwareAddress")
    driver_id = reference(params.get("hardwareDriverPath"), "hardwareDrivers")
    if driver_id is None:
        raise bad_request("Bad request: hardwareDriverPath is required", prop="hardwareDriverPath")
    driver = next((item for item in drivers_of(store, server_id) if generic.ident_of(item) == driver_id), None)
    if driver is None:
        raise bad_request(f"Invalid path. hardwareDrivers/{driver_id} is not a driver of this recording server", prop="hardwareDriverPath")
    user_name, password = params.get("userName") or "", params.get("password") or ""

    def add(task: Task) -> tuple[int, str] | None:
        if server_id not in store.objects.get("recordingServers", {}):
            return RECORDER_UNREACHABLE
        if same_host_on(store, server_id, address):
            return ALREADY_DEFINED
        device = state.network.find(address)
        if device is None or not device.accepts(user_name, password) or driver.get("groupName") not in device.drivers:
            return connect_error("add")
        task.extra["hardwarePath"] = path_ref("hardware", _new_hardware(store, server_id, device, driver, address, user_name, password))
        return None

    return start(call, "Adding hardware", add, echo=dict(params), status=201, fields=own_path("recordingServers", server_id),
                 fault_error=RECORDER_UNREACHABLE)


def _new_hardware(store: Store, server_id: str, device: Device, driver: dict[str, Any], address: str,  # pylint: disable=too-many-arguments
                  user_name: str, password: str) -> str:
    """The hardware an AddHardware makes, with one device per channel, everything disabled; returns its id."""
    ident, stamp = random_guid(), store.clock()
    name = f"{device.model} ({device.address})"
    storage = default_storage(store, server_id)
    storage_ref = path_ref("storages", generic.ident_of(storage) if storage else generic.ZERO_GUID)
    hardware = new_object("hardware", ident, when=stamp, name=name, parent=("recordingServers", server_id),
                          values={"address": hardware_url(address), "model": device.model, "userName": user_name, "description": "",
                                  "enabled": False, "hardwareDriverPath": path_ref("hardwareDrivers", generic.ident_of(driver))})
    store.objects.setdefault("hardware", {})[ident] = hardware
    store.secrets[ident] = {"password": password}
    if isinstance(driver.get("useCount"), int):
        driver["useCount"] += 1
    store.hardware_cameras[ident] = []
    for type_name, label in CHILD_LABELS.items():
        for channel in range(device.channels.get(type_name, 0)):
            child_id, child_name = random_guid(), f"{name} - {label} {channel + 1}"
            if type_name == "cameras":
                store.cameras[child_id] = _camera(child_id, child_name, ident, channel, ptz=device.ptz, storage=storage_ref, when=stamp)
                store.hardware_cameras[ident].append(child_id)
                if device.ptz:
                    store.presets[child_id] = []
                    store.device_presets[child_id] = []
                continue
            values: dict[str, Any] = {"channel": channel, "enabled": False, "description": "", "shortName": "", "gisPoint": "POINT EMPTY",
                                      "createdDate": RESERVED_DATE}
            if "recordingStorage" in TABLES.fields(type_name):
                values["recordingStorage"] = dict(storage_ref)
            child = new_object(type_name, child_id, when=stamp, name=child_name, parent=("hardware", ident), values=values)
            store.objects.setdefault(type_name, {})[child_id] = child
    return ident


def _camera(ident: str, name: str, hardware_id: str, channel: int, *, ptz: bool, storage: dict[str, str], when: str) -> dict[str, Any]:
    """A new camera with the field set of the seeded ones (the LIVE 2025 R1 object, docs/xprotect-api.md §4), disabled."""
    return {"displayName": name, "enabled": False, "id": ident, "name": name, "channel": channel, "description": "",
            "createdDate": RESERVED_DATE, "lastModified": when, "gisPoint": "POINT EMPTY", "shortName": "", "icon": 0,
            "coverageDirection": 0, "coverageDepth": 0, "coverageFieldOfView": 0, "recordingFramerate": 5, "recordKeyframesOnly": False,
            "recordOnRelatedDevices": True, "ptzEnabled": ptz, "recordingEnabled": True, "prebufferEnabled": True,
            "prebufferInMemory": True, "prebufferSeconds": 3, "edgeStorageEnabled": False, "edgeStoragePlaybackEnabled": False,
            "manualRecordingTimeoutEnabled": True, "manualRecordingTimeoutMinutes": 15, "recordingStorage": dict(storage),
            "failoverSetting": "FullSupport",
            "relations": {"parent": path_ref("hardware", hardware_id), "self": path_ref("cameras", ident)}}


# ============================================================================================================= roles

def _member_describe(req: RestRequest, obj: dict[str, Any] | None, values: dict[str, Any],
                     defined: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    if obj is not None:
        defined["itemSelection"] = enum_definition(generic.member_options(req.state.store, obj))
    return values, defined


def role_member(call: Call) -> web.Response:
    """AddRoleMember and RemoveRoleMember on ``roles/{id}/users`` (res_generic checks the member)."""
    apply = generic.role_member(call.req, call.obj, call.task, call.params)
    return quick(call, dict(call.params), apply)


def _namespaces(store: Store) -> dict[str, dict[str, Any]]:
    return store.objects.get("securityNamespaces", {})


def _namespace_describe(req: RestRequest, obj: dict[str, Any] | None, values: dict[str, Any],
                        defined: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    defined["securityNamespace"] = enum_definition([option(ident, item.get("name")) for ident, item in _namespaces(req.state.store).items()])
    return values, defined


def overall_security(call: Call) -> web.Response:
    """ChangeOverallSecurityPermissions: the role's overall permissions in one security namespace.  With ``securityNamespace``
    alone it answers the current ones (every security action ``Allow``, ``Deny`` or ``None``); with actions too it sets them
    (the two steps of MilestonePSTools' Set-VmsRoleOverallSecurity)."""
    store, role = call.store, call.obj
    if role.get("roleType") == "Adminstrative":
        raise bad_request("Bad request: overall security settings do not apply to the Administrators role", prop="securityNamespace")
    given = require_text(call.params, "securityNamespace")
    ident = given.strip().lower()
    namespace = _namespaces(store).get(ident)
    if namespace is None:
        raise bad_request(f"Bad request: {given} is not a security namespace", prop="securityNamespace")
    actions = [str(action.get("name")) for action in namespace.get("securityActions") or [] if action.get("name")]
    changes = {}
    for key, value in call.params.items():
        if key == "securityNamespace":
            continue
        name = next((action for action in actions if action.lower() == key.lower()), None)
        if name is None:
            raise bad_request(f"Bad request: '{key}' is not a security action of namespace '{namespace.get('name')}'; use one of "
                              f"{', '.join(actions)}", prop=key)
        if value not in PERMISSION_VALUES:
            raise bad_request(f"Bad request: {name} must be one of {', '.join(PERMISSION_VALUES)}", prop=name)
        changes[name] = value
    kept = store.secrets.setdefault(call.ident, {}).setdefault("overallSecurity", {}).setdefault(ident, {})

    def apply() -> dict[str, Any]:
        if changes:
            kept.update(changes)
            role["lastModified"] = store.clock()
        return {action: kept.get(action, "None") for action in actions}

    return quick(call, {"securityNamespace": ident}, apply)


def _client_profile_of(store: Store, role_id: str) -> str:
    kept = store.secrets.get(role_id, {}).get("clientProfile")
    profiles = store.objects.get("clientProfiles", {})
    if kept in profiles:
        return str(kept)
    return next((ident for ident, profile in profiles.items() if profile.get("isDefaultProfile")), next(iter(profiles), generic.ZERO_GUID))


def _profile_describe(req: RestRequest, obj: dict[str, Any] | None, values: dict[str, Any],
                      defined: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    store = req.state.store
    defined["itemSelection"] = enum_definition([option(f"ClientProfile[{ident.upper()}]", profile.get("name"))
                                                for ident, profile in store.objects.get("clientProfiles", {}).items()])
    if obj is not None:  # the profile the role has now, as the default value
        values["itemSelection"] = f"ClientProfile[{_client_profile_of(store, generic.ident_of(obj)).upper()}]"
    return values, defined


def set_client_profile(call: Call) -> web.Response:
    """SetClientProfile: the client profile of the role's members (``ClientProfile[<ID>]``); the params answer shows it."""
    store, role = call.store, call.obj
    given = require_text(call.params, "itemSelection")
    ident = reference(given, "clientProfiles")
    if ident is None or ident not in store.objects.get("clientProfiles", {}):
        raise bad_request(f"Bad request: invalid value for itemSelection: {given!r}; use ClientProfile[<id>] of a client profile", prop="itemSelection")

    def apply() -> None:
        store.secrets.setdefault(call.ident, {})["clientProfile"] = ident
        role["lastModified"] = store.clock()

    return quick(call, {"itemSelection": f"ClientProfile[{ident.upper()}]"}, apply)


# ======================================================================================== basic users and storages

def change_basic_password(call: Call) -> web.Response:
    """ChangePasswordBasicUser: the IDP takes the new password from now on (and no longer the old one)."""
    password = require_text(call.params, "password")
    store, user = call.store, call.obj

    def apply() -> None:
        store.secrets.setdefault(call.ident, {})["password"] = password
        user["lastModified"] = store.clock()

    return quick(call, dict(call.params), apply)


def set_default_storage(call: Call) -> web.Response:
    """SetStorageAsDefault: the one default storage of its recording server."""
    store, storage = call.store, call.obj

    def apply() -> None:
        stamp = store.clock()
        for sibling in storages_of(store, parent_id(storage)):
            is_default = sibling is storage
            if sibling.get("isDefault") != is_default:
                sibling["isDefault"] = is_default
                sibling["lastModified"] = stamp

    return quick(call, {}, apply)


# =========================================================================================================== devices

def _storage_describe(req: RestRequest, obj: dict[str, Any] | None, values: dict[str, Any],
                      defined: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    store = req.state.store
    storages = storages_of(store, server_of_device(store, obj or {}))
    defined["itemSelection"] = enum_definition([option(f"Storage[{generic.ident_of(storage).upper()}]", storage.get("name")) for storage in storages])
    return values, defined


def change_recording_storage(call: Call) -> web.Response:
    """ChangeDeviceRecordingStorage: the device records on another storage of its recording server (``Storage[<ID>]``)."""
    store, device = call.store, call.obj
    given = require_text(call.params, "itemSelection")
    ident = reference(given, "storages")
    if ident is None or ident not in {generic.ident_of(storage) for storage in storages_of(store, server_of_device(store, device))}:
        raise bad_request(f"Bad request: invalid value for itemSelection: {given!r}; use Storage[<id>] of a storage of the device's "
                          "recording server", prop="itemSelection")

    def apply(_task: Task) -> tuple[int, str] | None:
        if ident not in store.objects.get("storages", {}):
            return device_error("The storage no longer exists.")
        device["recordingStorage"] = path_ref("storages", ident)
        device["lastModified"] = store.clock()
        return None

    return start(call, "Changing storage for device", apply, echo=dict(call.params))


def jpeg_get_live(call: Call) -> web.Response:
    """JpegGetLive: a live frame of the camera as base64 JPEG (``jpegDataAsBase64``, ``frameDateTime``), at most ``width`` x
    ``height`` (the camera's 1280 x 720 otherwise)."""
    camera = call.obj
    for name in ("width", "height"):
        if name in call.params and call.params[name] < 0:
            raise bad_request(f"Bad request: {name} must not be negative", prop=name)

    def apply() -> Any:
        if not camera.get("enabled"):
            return device_error("The camera is disabled.")
        width, height = fit(call.params.get("width"), call.params.get("height"))
        image = live_jpeg(width, height, call.ident)
        return {"frameDateTime": call.store.clock(), "jpegDataAsBase64": base64.b64encode(image).decode("ascii")}

    return quick(call, {}, apply)


def output_task(call: Call) -> web.Response:
    """Activate, Deactivate and Trigger (on, then off again) an output: Output Activated / Deactivated events from
    ``outputs/<id>``, so its state is readable through the Events and State API (the output object has no field for it)."""
    state, output = call.state, call.obj
    kinds = {"Activate": (OUTPUT_ACTIVATED,), "Deactivate": (OUTPUT_DEACTIVATED,), "Trigger": (OUTPUT_ACTIVATED, OUTPUT_DEACTIVATED)}

    def apply() -> Any:
        if not output.get("enabled", True):
            return device_error("The output is disabled.")
        for event_type in kinds[call.task]:
            state.live.emit(state.live.new_event(event_type, f"outputs/{call.ident}"))
        return None

    return quick(call, {}, apply)


# ============================================================================================================ wiring

def _spec(name: str, kind: str) -> FieldSpec:
    return FieldSpec(name=name, type=kind)


EFFECTS: dict[tuple[str, str], TaskEffect] = {
    ("hardware", "ReadPasswordHardware"): TaskEffect(read_password),
    ("hardware", "ChangePasswordHardware"): TaskEffect(change_password),
    ("hardware", "MoveHardware"): TaskEffect(move_hardware, _move_describe,
                                             {"destinationStorage": _spec("destinationStorage", "string"),
                                              "ignoreSourceRecordingServer": _spec("ignoreSourceRecordingServer", "boolean")}),
    ("hardware", "ReplaceHardware"): TaskEffect(replace_hardware, _replace_describe),
    ("hardware", "UpdateFirmwareHardware"): TaskEffect(update_firmware),
    ("recordingServers", "HardwareScan"): TaskEffect(hardware_scan, _driver_describe),
    ("recordingServers", "HardwareScanExpress"): TaskEffect(hardware_scan_express),
    ("recordingServers", "AddHardware"): TaskEffect(add_hardware, _driver_describe),
    ("users", "AddRoleMember"): TaskEffect(role_member),
    ("users", "RemoveRoleMember"): TaskEffect(role_member, _member_describe),
    ("roles", "ChangeOverallSecurityPermissions"): TaskEffect(overall_security, _namespace_describe, open_params=True),
    ("roles", "SetClientProfile"): TaskEffect(set_client_profile, _profile_describe),
    ("basicUsers", "ChangePasswordBasicUser"): TaskEffect(change_basic_password),
    ("storages", "SetStorageAsDefault"): TaskEffect(set_default_storage),
    ("cameras", "JpegGetLive"): TaskEffect(jpeg_get_live),
    **{(kind, "ChangeDeviceRecordingStorage"): TaskEffect(change_recording_storage, _storage_describe) for kind in DEVICE_TYPES},
    **{("outputs", task): TaskEffect(output_task) for task in ("Activate", "Deactivate", "Trigger")},
}


def _route(path: str) -> Route:
    return next(route for route in TABLES.routes if route.path == path)


def _with_document_tasks(curated: Callable[[RestRequest], Any], route: Route) -> Callable[[RestRequest], Any]:
    """The curated GET of a camera, with ``?tasks`` listing every task of the document (the generic layer serves them)."""
    async def handler(req: RestRequest) -> web.Response:
        response = await curated(req)
        if not req.flag("tasks") or response.status != 200 or not isinstance(response.body, (bytes, bytearray)):
            return response
        body = json.loads(bytes(response.body))
        body["tasks"] = generic.task_entries(route)
        return json_response(body)
    return handler


def register(router: Router) -> None:
    """The camera tasks of the document on the generic task route (ChangeSecurityPermissions included, as before), and the
    hardware routes of ``res_hardware.py``."""
    res_hardware.register(router)
    route = _route("cameras/{id}")
    curated_get = router.routes.get(("cameras", "{id}"), {}).get("GET")
    if curated_get is not None:
        router.add("GET", route.path, _with_document_tasks(curated_get, route))
    router.add("POST", route.path, generic.FACTORIES["task"](route))
