"""Simulator: hardware as the recording server knows it (simulator/res_hardware.py, network.py, res_task_effects.py).

The driver settings of a hardware (``hardware/{id}/hardwareDriverSettings``, the OAS prose's ``HardwareDriverSettings``
block with the device's model, MAC address, firmware and serial number), the ``--network-devices`` switch (more devices
per recording server for benchmarks, deterministic, found by host name), what AddHardware answers for each kind of bad
device and for an address already on the recording server, and ``DELETE /recordingServers/{rs}/hardware/{id}`` removing the
hardware with everything on it.  One simulator serves the module (reset before each test); the in-process tests build the
site directly.
"""

from __future__ import annotations

import asyncio
import collections
import json
import re
import time
import types

import pytest

from simulator.config import SimConfig, User, config_from_args
from simulator.network import FACTORY_CREDENTIALS, Network, build_network
from simulator.process import SimulatorProcess

TASK_SECONDS = 0.05
EXTRA = 8
CONNECT = ("VMO60281: Could not add the hardware.\nIt was not possible to connect to or receive information from the hardware. "
           "Verify that the following is correct: address, port, user name, password and hardware driver.")
ALREADY = "VMO60276: Could not add the hardware.\n\nThe hardware is already defined on the recording server."
DEVICE_KINDS = ("cameras", "microphones", "speakers", "metadata", "inputEvents", "outputs")
MAC_RE = re.compile(r"^([0-9A-F]{2}:){5}[0-9A-F]{2}$")


@pytest.fixture(scope="module", name="lib")
def lib_fixture():
    """The simulator's server modules for the in-process tests, imported when the first of them runs (aiohttp, pyspnego and
    the OpenAPI tables make the import take a while, which collecting the file should not)."""
    # pylint: disable=import-outside-toplevel
    from simulator import res_generic, res_hardware
    from simulator.app import ROUTER
    from simulator.rest import RestRequest
    from simulator.state import SimState
    return types.SimpleNamespace(res_generic=res_generic, res_hardware=res_hardware, ROUTER=ROUTER, RestRequest=RestRequest,
                                 SimState=SimState)


@pytest.fixture(scope="module", name="sim_module")
def sim_module_fixture():
    with SimulatorProcess("--cameras", "12", "--task-seconds", str(TASK_SECONDS), "--network-devices", str(EXTRA), tls=False) as process:
        yield process


@pytest.fixture(name="sim")
def sim_fixture(sim_module):
    sim_module.reset()
    return sim_module


@pytest.fixture(name="client")
def client_fixture(sim, sim_client):
    return sim_client(sim)


# -- helpers ---------------------------------------------------------------------------------------------------------------

def _array(client, path):
    response = client.get(path)
    assert response.status_code == 200, response.text
    return response.json()["array"]


def _data(client, path):
    response = client.get(path)
    assert response.status_code == 200, response.text
    return response.json()["data"]


def _parent(obj):
    return obj["relations"]["parent"]["id"]


def _servers(sim):
    status, body = sim.request("GET", "/_simulator/network")
    assert status == 200
    return body["recordingServers"]


def _device(sim, address):
    return next(device for server in _servers(sim) for device in server["devices"] if device["address"] == address)


def _run(client, path, task, body, *, status=200):
    """Invoke a long-running task, poll it to its end, clean it up; the final task data."""
    answer = client.post(f"{path}?task={task}", json=body)
    assert answer.status_code == status, answer.text
    task_id = answer.json()["result"]["path"]["id"]
    deadline = time.monotonic() + 10
    while True:
        data = _data(client, f"/tasks/{task_id}")
        if data["state"] in ("Success", "Error") or time.monotonic() > deadline:
            break
        time.sleep(0.02)
    assert client.post(f"/tasks/{task_id}?task=TaskCleanup", json={}).status_code == 200
    return data


def _drivers(client, server_id):
    return {driver["groupName"]: driver for driver in _array(client, f"/recordingServers/{server_id}/hardwareDrivers")}


def _add_body(drivers, address, group, user, password):
    return {"hardwareAddress": address, "hardwareDriverPath": {"type": "hardwareDrivers", "id": drivers[group]["id"]},
            "userName": user, "password": password, "customData": ""}


def _settings(client, hardware_id):
    items = _array(client, f"/hardware/{hardware_id}/hardwareDriverSettings")
    assert len(items) == 1
    return items[0]


def _hardware_devices(client, hardware_id):
    return {kind: [item["id"] for item in _array(client, f"/hardware/{hardware_id}/{kind}?disabled")] for kind in DEVICE_KINDS}


def _first_extra(sim, server_index=0, *, factory=True, cameras=None):
    """A --network-devices device of the recording server (with the factory password or not, optionally a camera count)."""
    server = _servers(sim)[server_index]
    for device in server["devices"]:
        if not device["address"].startswith("cam-0"):
            continue
        if (device["password"] == FACTORY_CREDENTIALS[device["vendor"]][1]) != factory:
            continue
        if cameras is not None and device["channels"].get("cameras") != cameras:
            continue
        return server, device
    raise AssertionError("no such device; change EXTRA")


# -- hardwareDriverSettings ------------------------------------------------------------------------------------------------

def test_driver_settings_answer_the_prose_shape(sim, client):
    """data.HardwareDriverSettings as the OAS prose's example ("on an Axis hardware"), the values the device's, all strings."""
    hardware = next(item for item in _array(client, "/hardware?disabled") if item["model"].startswith("AXIS"))
    device = _device(sim, hardware["address"].split("/")[2])
    settings = _settings(client, hardware["id"])
    assert list(settings) == ["displayName", "HardwareDriverSettings", "hardwarePtz", "relations"]
    assert settings["displayName"] == "Settings"
    assert settings["HardwareDriverSettings"] == {"displayName": "General", "detectedModelName": hardware["model"],
                                                  "macAddress": device["macAddress"], "firmwareVersion": device["firmware"],
                                                  "serialNumber": device["serialNumber"]}
    assert all(isinstance(value, str) and value for value in settings["HardwareDriverSettings"].values())
    assert MAC_RE.match(settings["HardwareDriverSettings"]["macAddress"])
    assert settings["HardwareDriverSettings"]["serialNumber"] == device["macAddress"].replace(":", ""), "an AXIS serial is its MAC"
    assert settings["hardwarePtz"] == {"displayName": "Pan-Tilt-Zoom", "ptzUsePtzDeviceID": True}, "the schema's part is kept"
    assert settings["relations"]["parent"] == {"type": "hardware", "id": hardware["id"]}
    ident = settings["relations"]["self"]["id"]
    assert settings["relations"]["self"]["type"] == "hardwareDriverSettings" and ident != hardware["id"]

    one = client.get(f"/hardware/{hardware['id']}/hardwareDriverSettings/{ident}?definitions").json()
    assert one["data"] == settings
    defined = one["definitions"]["HardwareDriverSettings"]
    assert defined["detectedModelName"] == {"canSet": "false", "valueType": "string", "translationId": "a57d4e50-4158-4d04-955a-3141653e44dc"}
    assert {name: entry["canSet"] for name, entry in defined.items()} == {
        "detectedModelName": "false", "macAddress": "false", "firmwareVersion": "false", "serialNumber": "false"}
    assert one["definitions"]["hardwarePtz"] == {"ptzUsePtzDeviceID": {"canSet": "false", "valueType": "bool"}}
    assert "definitions" not in client.get(f"/hardware/{hardware['id']}/hardwareDriverSettings/{ident}").json()
    for path in (f"/hardware/{hardware['id']}/hardwareDriverSettings/{hardware['id']}",
                 "/hardware/00000000-0000-0000-0000-000000000001/hardwareDriverSettings",
                 f"/hardware/00000000-0000-0000-0000-000000000001/hardwareDriverSettings/{ident}"):
        assert client.get(path).status_code == 404, path


def test_driver_settings_of_every_vendor(sim, client):
    """Each seeded hardware shows its own device: vendor OUIs, serial numbers, firmware per vendor."""
    seen = collections.Counter()
    for hardware in _array(client, "/hardware?disabled"):
        device = _device(sim, hardware["address"].split("/")[2])
        block = _settings(client, hardware["id"])["HardwareDriverSettings"]
        assert (block["detectedModelName"], block["macAddress"], block["firmwareVersion"], block["serialNumber"]) == (
            device["model"], device["macAddress"], device["firmware"], device["serialNumber"])
        seen[device["vendor"]] += 1
    assert len(seen) >= 3, seen


def test_driver_settings_follow_the_device(sim, client):
    """UpdateFirmwareHardware moves firmwareVersion on; after ReplaceHardware the values are the new device's."""
    hardware = next(item for item in _array(client, "/hardware?disabled") if _parent(item) == _servers(sim)[0]["id"])
    path = f"/hardware/{hardware['id']}"
    before = _settings(client, hardware["id"])["HardwareDriverSettings"]
    assert _run(client, path, "UpdateFirmwareHardware", {"storageId": "firmware-upload-1"})["state"] == "Success"
    after = _settings(client, hardware["id"])["HardwareDriverSettings"]
    assert after["firmwareVersion"] != before["firmwareVersion"]
    assert after["firmwareVersion"] == _device(sim, hardware["address"].split("/")[2])["firmware"]
    assert {key: value for key, value in after.items() if key != "firmwareVersion"} == {
        key: value for key, value in before.items() if key != "firmwareVersion"}

    target = _device(sim, "192.0.2.14")  # the ONVIF device
    data = _run(client, path, "ReplaceHardware", {"address": "192.0.2.14", "driver": "40", "userName": "admin", "password": "admin"})
    assert data["state"] == "Success"
    replaced = _settings(client, hardware["id"])["HardwareDriverSettings"]
    assert replaced == {"displayName": "General", "detectedModelName": "ONVIF Conformant Device", "macAddress": target["macAddress"],
                        "firmwareVersion": target["firmware"], "serialNumber": target["serialNumber"]}
    assert replaced["macAddress"] != before["macAddress"] and replaced["serialNumber"].startswith("SN")


def _in_process_get(lib, state, path):
    """GET ``path`` (below /api/rest/v1, with a query) through the simulator's router, without a server."""
    segments, _sep, query = path.strip("/").partition("?")
    parts = segments.split("/")
    handler = lib.ROUTER.resolve("GET", parts)
    req = lib.RestRequest(state=state, raw=None, method="GET", ids=parts[1::2], user=User("admin", "admin"),
                          query=[(key, "") for key in query.split("&") if key])
    response = asyncio.run(handler(req))
    return response.status, json.loads(bytes(response.body))


def test_driver_settings_schema_variant(lib):
    """--hardware-driver-settings schema: the schema's object only, with the generic definitions."""
    assert config_from_args(["--hardware-driver-settings", "schema"]).hardware_driver_settings == "schema"
    for variant, keys in (("schema", ["displayName", "hardwarePtz", "relations"]),
                          ("prose", ["displayName", "HardwareDriverSettings", "hardwarePtz", "relations"])):
        state = lib.SimState(SimConfig(cameras=2, hardware_driver_settings=variant))
        hardware_id = next(iter(state.store.objects["hardware"]))
        status, listed = _in_process_get(lib, state, f"hardware/{hardware_id}/hardwareDriverSettings")
        assert status == 200 and list(listed["array"][0]) == keys, variant
        ident = listed["array"][0]["relations"]["self"]["id"]
        status, one = _in_process_get(lib, state, f"hardware/{hardware_id}/hardwareDriverSettings/{ident}?definitions")
        assert status == 200 and one["data"] == listed["array"][0]
        if variant == "schema":
            assert one["definitions"] == {"displayName": {"canSet": False, "valueType": "string"},
                                          "hardwarePtz": {"canSet": True, "valueType": "list"}}
        else:
            assert set(one["definitions"]) == {"displayName", "HardwareDriverSettings", "hardwarePtz"}


# -- --network-devices -----------------------------------------------------------------------------------------------------

def test_network_devices_switch():
    """--network-devices N (0 by default, never negative) and --hardware-driver-settings prose|schema."""
    assert config_from_args([]).network_devices == 0
    assert config_from_args(["--network-devices", "500"]).network_devices == 500
    assert config_from_args([]).hardware_driver_settings == "prose"
    for wrong in (["--network-devices", "-1"], ["--network-devices", "many"], ["--hardware-driver-settings", "other"]):
        with pytest.raises(SystemExit):
            config_from_args(wrong)


def test_cameras_per_hardware_switch_seeds_k_channel_hardware():
    """--cameras-per-hardware K (0 by default, never negative): the cameras as channels 0..K-1 of hardware in seed order;
    without it the default seed is what it always was."""
    # pylint: disable=import-outside-toplevel
    from simulator.seed import build_store
    assert config_from_args([]).cameras_per_hardware == 0
    with pytest.raises(SystemExit):
        config_from_args(["--cameras-per-hardware", "-1"])
    store = build_store(1, 25, per_hardware=10)
    assert sorted(len(cameras) for cameras in store.hardware_cameras.values()) == [5, 10, 10]
    for camera_ids in store.hardware_cameras.values():
        assert [store.objects["cameras"][ident]["channel"] for ident in camera_ids] == list(range(len(camera_ids)))
    assert len(store.objects["hardware"]) == 3
    default = build_store(1, 25)
    assert list(default.objects["cameras"]) == list(build_store(1, 25, per_hardware=0).objects["cameras"])
    assert len(default.hardware_cameras) > 3


def test_network_devices_are_many_mixed_and_deterministic(lib):
    """N devices per recording server at .example names, mixed like a real site, the same device whatever N is."""
    count = 300
    state = lib.SimState(SimConfig(cameras=4, network_devices=count))
    servers = state.store.objects["recordingServers"]
    assert len(state.network.devices) == len(lib.SimState(SimConfig(cameras=4)).network.devices) + count * len(servers)
    for server_id, server in servers.items():
        extra = [device for device in state.network.local(server_id) if device.address.startswith("cam-0")]
        name = server["name"].lower()
        assert [device.address for device in extra] == [f"cam-{number:04d}.{name}.example" for number in range(1, count + 1)]
        groups = {driver["groupName"] for driver in lib.res_generic.children(state.store, "recordingServers", server_id, "hardwareDrivers")}
        assert all(device.reachable and set(device.drivers) <= groups and device.vendor in device.drivers for device in extra)
        assert {device.vendor for device in extra} == {"AXIS", "Hanwha", "Bosch", "ONVIF"}
        cameras = collections.Counter(device.channels["cameras"] for device in extra)
        assert set(cameras) == {1, 4} and cameras[1] > 0.85 * count and cameras[4] >= 3, "mostly single cameras, a few encoders"
        for kind in ("microphones", "inputEvents", "outputs"):
            assert sum(1 for device in extra if device.channels.get(kind) and device.channels["cameras"] == 1) >= 10, kind
        assert sum(1 for device in extra if device.ptz) >= 5
        factory = sum(1 for device in extra if (device.user_name, device.password) == FACTORY_CREDENTIALS[device.vendor])
        assert 0.7 * count < factory < count, "factory credentials for most, their own for some"
        assert len({device.mac_address for device in extra}) > 0.99 * count
    small = lib.SimState(SimConfig(cameras=4, network_devices=5)).network
    first = [small.devices[f"cam-{number:04d}.xprs01.example"] for number in range(1, 6)]
    assert first == [state.network.devices[device.address] for device in first], "a device is the same whatever N is"
    other = lib.SimState(SimConfig(cameras=4, network_devices=5, seed=2)).network
    assert other.devices["cam-0001.xprs01.example"].mac_address != first[0].mac_address, "another --seed, other devices"


class _NoScan(dict):
    """A dictionary that fails when anything walks through it: looking a device up must not."""

    def __iter__(self):
        raise AssertionError("the network was scanned")

    def values(self):
        raise AssertionError("the network was scanned")

    def items(self):
        raise AssertionError("the network was scanned")


def test_network_lookup_is_by_host(lib):
    """A device is found by its host name in any form of address, without walking through the network."""
    state = lib.SimState(SimConfig(cameras=4, network_devices=50))
    network: Network = state.network
    wanted = network.devices["cam-0042.xprs02.example"]
    network.devices = _NoScan(network.devices)
    for address in ("cam-0042.xprs02.example", "http://cam-0042.xprs02.example/", "HTTPS://CAM-0042.XPRS02.EXAMPLE:8443/",
                    "cam-0042.xprs02.example:80"):
        assert network.find(address) is wanted, address
    assert network.find("cam-0051.xprs02.example") is None and network.find("") is None
    assert build_network(state.store, 1, 0).find("cam-0001.xprs01.example") is None, "no extra devices by default"


def test_network_control_lists_the_extra_devices(sim, client):
    """GET /_simulator/network shows the extra devices with every field, and the hardware added from one."""
    servers = _servers(sim)
    for server in servers:
        extra = [device for device in server["devices"] if device["address"].startswith("cam-0")]
        expected = [f"cam-{number:04d}.{server['name'].lower()}.example" for number in range(1, EXTRA + 1)]
        assert [device["address"] for device in extra] == expected
        for device in extra:
            assert set(device) == {"address", "vendor", "model", "drivers", "userName", "password", "macAddress", "serialNumber",
                                   "firmware", "channels", "ptz", "reachable", "hardware"}
            assert device["reachable"] is True and device["hardware"] == [] and MAC_RE.match(device["macAddress"])
            assert device["channels"]["cameras"] >= 1 and device["serialNumber"]
    server, device = _first_extra(sim)
    drivers = _drivers(client, server["id"])
    group = device["drivers"][0]
    added = _run(client, f"/recordingServers/{server['id']}", "AddHardware",
                 _add_body(drivers, device["address"], group, device["userName"], device["password"]), status=201)
    assert _device(sim, device["address"])["hardware"] == [added["hardwarePath"]["id"]]


# -- AddHardware -----------------------------------------------------------------------------------------------------------

def test_add_an_extra_device(sim, client):
    """The new hardware and every device on it disabled, one per channel of the device; the task names it in hardwarePath."""
    server, device = _first_extra(sim)
    drivers = _drivers(client, server["id"])
    group = device["drivers"][0]
    data = _run(client, f"/recordingServers/{server['id']}", "AddHardware",
                _add_body(drivers, device["address"], group, device["userName"], device["password"]), status=201)
    assert data["state"] == "Success" and data["progress"] == 100 and data["hardwarePath"]["type"] == "hardware"
    assert data["recordingServerPath"] == {"type": "recordingServers", "id": server["id"]}
    hardware = _data(client, f"/hardware/{data['hardwarePath']['id']}")
    assert hardware["enabled"] is False and hardware["address"] == f"http://{device['address']}/" and _parent(hardware) == server["id"]
    assert hardware["name"] == f"{device['model']} ({device['address']})" and hardware["model"] == device["model"]
    assert hardware["hardwareDriverPath"]["id"] == drivers[group]["id"]
    found = _hardware_devices(client, hardware["id"])
    assert {kind: len(ids) for kind, ids in found.items() if ids} == device["channels"]
    for kind, ids in found.items():
        for ident in ids:
            assert _data(client, f"/{kind}/{ident}")["enabled"] is False, kind
    assert _settings(client, hardware["id"])["HardwareDriverSettings"]["macAddress"] == device["macAddress"]
    assert _drivers(client, server["id"])[group]["useCount"] == drivers[group]["useCount"] + 1


def test_add_keeps_scheme_and_port_and_knows_the_host_again(sim, client):
    """An address with scheme and port is kept as given; the same host again, in any form, is VMO60276."""
    server, device = _first_extra(sim)
    drivers = _drivers(client, server["id"])
    group, host = device["drivers"][0], device["address"]
    path = f"/recordingServers/{server['id']}"
    data = _run(client, path, "AddHardware", _add_body(drivers, f"https://{host}:8443", group, device["userName"], device["password"]),
                status=201)
    assert data["state"] == "Success"
    assert _data(client, f"/hardware/{data['hardwarePath']['id']}")["address"] == f"https://{host}:8443/"
    before = len(_array(client, "/hardware?disabled"))
    for again in (host, f"http://{host}/", f"HTTPS://{host.upper()}:8443/", f"{host}:8080", f"http://{host.upper()}"):
        data = _run(client, path, "AddHardware", _add_body(drivers, again, group, device["userName"], device["password"]), status=201)
        assert (data["state"], data["errorCode"], data["errorText"]) == ("Error", 60276, ALREADY), again
        assert "hardwarePath" not in data
    assert len(_array(client, "/hardware?disabled")) == before


def test_add_own_password_device(sim, client):
    """A device whose password is not the factory one refuses the factory credentials and takes its own."""
    server, device = _first_extra(sim, factory=False)
    drivers = _drivers(client, server["id"])
    group = device["drivers"][0]
    path = f"/recordingServers/{server['id']}"
    user, factory_password = FACTORY_CREDENTIALS[device["vendor"]]
    refused = _run(client, path, "AddHardware", _add_body(drivers, device["address"], group, user, factory_password), status=201)
    assert (refused["state"], refused["errorCode"], refused["errorText"]) == ("Error", 60281, CONNECT)
    assert _run(client, path, "AddHardware", _add_body(drivers, device["address"], group, device["userName"], device["password"]),
                status=201)["state"] == "Success"


@pytest.mark.parametrize("case", ["switched off", "wrong password", "wrong user", "driver it does not speak", "nothing there",
                                  "ONVIF-only device"])
def test_add_a_device_that_refuses(sim, client, case):
    """Every kind of bad device ends the task in Error VMO60281 with the server's text, and adds nothing."""
    servers = _servers(sim)
    server = servers[0]
    drivers = _drivers(client, server["id"])
    extra = _first_extra(sim)[1]
    wrong_group = next(group for group in ("Hanwha", "Bosch", "AXIS") if group not in extra["drivers"])
    bodies = {
        "switched off": ("192.0.2.15", "Bosch", "service", "service"),
        "wrong password": (extra["address"], extra["drivers"][0], extra["userName"], extra["password"] + "x"),
        "wrong user": (extra["address"], extra["drivers"][0], "operator", extra["password"]),
        "driver it does not speak": (extra["address"], wrong_group, extra["userName"], extra["password"]),
        "nothing there": (f"cam-{EXTRA + 1:04d}.{server['name'].lower()}.example", "AXIS", "root", "pass"),
        "ONVIF-only device": ("192.0.2.14", "AXIS", "admin", "admin"),
    }
    before = {item["id"] for item in _array(client, "/hardware?disabled")}
    cameras = len(_array(client, "/cameras?disabled"))
    data = _run(client, f"/recordingServers/{server['id']}", "AddHardware", _add_body(drivers, *bodies[case]), status=201)
    assert (data["state"], data["progress"], data["errorCode"], data["errorText"]) == ("Error", 100, 60281, CONNECT)
    assert "hardwarePath" not in data
    assert {item["id"] for item in _array(client, "/hardware?disabled")} == before and len(_array(client, "/cameras?disabled")) == cameras
    assert _drivers(client, server["id"]) == drivers, "no driver got a use"


# -- deleting hardware -----------------------------------------------------------------------------------------------------

def _members(client, group_type, member_type):
    found = set()
    pending = [group["id"] for group in _array(client, f"/{group_type}")]
    while pending:
        group_id = pending.pop()
        found |= {item["id"] for item in _array(client, f"/{group_type}/{group_id}/{member_type}?disabled")}
        pending += [group["id"] for group in _array(client, f"/{group_type}/{group_id}/{group_type}")]
    return found


def test_delete_hardware(sim, client):  # pylint: disable=too-many-locals
    """DELETE /recordingServers/{rs}/hardware/{id}: the hardware and every device on it go; its driver has one use less."""
    cameras = _array(client, "/cameras?disabled")
    ptz = next(camera for camera in cameras if camera["ptzEnabled"] and _array(client, f"/cameras/{camera['id']}/ptzPresets"))
    hardware = _data(client, f"/hardware/{_parent(ptz)}")
    server_id = _parent(hardware)
    devices = _hardware_devices(client, hardware["id"])
    assert ptz["id"] in devices["cameras"]
    drivers = {driver["id"]: driver for driver in _array(client, f"/recordingServers/{server_id}/hardwareDrivers")}
    driver = drivers[hardware["hardwareDriverPath"]["id"]]
    settings_id = _settings(client, hardware["id"])["relations"]["self"]["id"]
    for ident in devices["cameras"]:
        assert client.get(f"/settings/{ident}").status_code == 200 and client.get(f"/streams/{ident}").status_code == 200
    assert ptz["id"] in _members(client, "cameraGroups", "cameras")
    other = next(ident for ident in _servers(sim) if ident["id"] != server_id)["id"]

    refused = client.delete(f"/hardware/{hardware['id']}")
    assert (refused.status_code, refused.json()["error"]["details"][0]["errorText"]) == (400, "Bad request: Unknown request")
    assert client.delete(f"/recordingServers/{other}/hardware/{hardware['id']}").status_code == 404, "not on that recording server"
    assert client.get(f"/hardware/{hardware['id']}").status_code == 200, "nothing deleted yet"

    answer = client.delete(f"/recordingServers/{server_id}/hardware/{hardware['id']}")
    assert (answer.status_code, answer.json()) == (200, {"state": "Success"})
    for path in (f"/hardware/{hardware['id']}", f"/hardware/{hardware['id']}/cameras", f"/hardware/{hardware['id']}/hardwareDriverSettings",
                 f"/hardware/{hardware['id']}/hardwareDriverSettings/{settings_id}", f"/cameras/{ptz['id']}/ptzPresets"):
        assert client.get(path).status_code == 404, path
    for kind, ids in devices.items():
        for ident in ids:
            assert client.get(f"/{kind}/{ident}").status_code == 404, (kind, ident)
            assert client.get(f"/settings/{ident}").status_code == 404, ("settings", kind, ident)
    assert sim.request("GET", f"/_simulator/cameras/{ptz['id']}/device_presets")[0] == 404
    assert hardware["id"] not in {item["id"] for item in _array(client, f"/recordingServers/{server_id}/hardware?disabled")}
    assert not set(devices["cameras"]) & _members(client, "cameraGroups", "cameras")
    for kind, group_type in (("microphones", "microphoneGroups"), ("inputEvents", "inputEventGroups"), ("outputs", "outputGroups")):
        assert not set(devices[kind]) & _members(client, group_type, kind), kind
    assert _data(client, f"/recordingServers/{server_id}/hardwareDrivers/{driver['id']}")["useCount"] == driver["useCount"] - 1
    assert all(hardware["id"] not in device["hardware"] for server in _servers(sim) for device in server["devices"])
    assert client.delete(f"/recordingServers/{server_id}/hardware/{hardware['id']}").status_code == 404, "gone"


def test_add_then_delete_gives_the_driver_back(sim, client):
    """Adding and deleting a hardware leaves the driver's useCount and the address as they were."""
    server, device = _first_extra(sim, cameras=1)
    drivers = _drivers(client, server["id"])
    group = device["drivers"][0]
    data = _run(client, f"/recordingServers/{server['id']}", "AddHardware",
                _add_body(drivers, device["address"], group, device["userName"], device["password"]), status=201)
    ident = data["hardwarePath"]["id"]
    assert _drivers(client, server["id"])[group]["useCount"] == drivers[group]["useCount"] + 1
    assert client.delete(f"/recordingServers/{server['id']}/hardware/{ident}").json() == {"state": "Success"}
    assert _drivers(client, server["id"])[group]["useCount"] == drivers[group]["useCount"]
    assert _device(sim, device["address"])["hardware"] == []
    again = _run(client, f"/recordingServers/{server['id']}", "AddHardware",
                 _add_body(drivers, device["address"], group, device["userName"], device["password"]), status=201)
    assert again["state"] == "Success", "the address is free again"


def test_deleting_every_hardware_leaves_no_device(lib):
    """In the store: every seeded hardware deleted one by one takes exactly its own devices, presets, settings, group
    memberships and the camera-hardware index with it; at the end every driver's useCount is 0."""
    state = lib.SimState(SimConfig(cameras=40))
    store = state.store
    for ident in [ident for ident in store.objects["cameras"] if store.cameras[ident]["ptzEnabled"]]:
        assert ident in store.presets
    for ident in list(store.objects["cameras"]) + list(store.objects["microphones"]):
        kind = "cameras" if ident in store.cameras else "microphones"
        assert lib.res_generic.lookup(store, "settings", ident) is not None, kind  # make the singletons exist
    kinds_seen = set()
    for hardware_id in list(store.objects["hardware"]):
        own = {kind: {ident for ident, obj in store.objects[kind].items() if _parent(obj) == hardware_id} for kind in DEVICE_KINDS}
        kinds_seen |= {kind for kind, ids in own.items() if ids}
        others = {kind: set(store.objects[kind]) - ids for kind, ids in own.items()}
        lib.res_generic.children(store, "hardware", hardware_id, "hardwareDriverSettings")
        lib.res_hardware.remove_hardware(store, hardware_id)
        assert hardware_id not in store.objects["hardware"] and hardware_id not in store.hardware_cameras
        for kind, ids in own.items():
            assert set(store.objects[kind]) == others[kind], kind
            assert not ids & set(store.objects["settings"]) and not ids & set(store.objects["streams"])
        assert not own["cameras"] & (set(store.presets) | set(store.device_presets))
        assert all(not own["cameras"] & set(ids) for ids in store.hardware_cameras.values())
        assert all(not (set().union(*own.values()) & set(ids)) for ids in store.members.values())
        assert not [obj for obj in store.objects["hardwareDriverSettings"].values() if _parent(obj) == hardware_id]
    assert kinds_seen == set(DEVICE_KINDS)
    assert all(not store.objects[kind] for kind in DEVICE_KINDS) and not store.hardware_cameras
    assert {driver["useCount"] for driver in store.objects["hardwareDrivers"].values()} == {0}
