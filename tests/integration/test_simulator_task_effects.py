"""Simulator: the tasks with effects on the site (simulator/res_task_effects.py, network.py), docs/xprotect-api.md §6, §7.

For every task: the documented flow (POST without a body answers ``params``; with them, a task to poll to Success and clean
up, or a result at once), an Error outcome with ``errorCode`` and ``errorText``, a hanging task stopped, the request log.
Then each task's effect on the site, the simulated camera network, the IDP honouring basic users' passwords, and where
secrets show and where they do not.
"""

from __future__ import annotations

import base64
import io
import re
import time
from typing import Any, Callable

import pytest

from simulator.process import SimulatorProcess

TASK_SECONDS = 0.2
OUTPUT_ACTIVATED = "7a78f5bb-d8c3-4997-89b7-cae72713b7db"
OUTPUT_DEACTIVATED = "35742498-bcc5-4f0a-9800-827c9388d1cd"
CAMERAS_NAMESPACE = "623d03f8-c5d5-46bc-a2f4-4c03562d4f85"
VMO_RE = re.compile(r"^VMO(\d+): ")


@pytest.fixture(scope="module", name="sim_module")
def sim_module_fixture():
    with SimulatorProcess("--task-seconds", str(TASK_SECONDS)) as process:
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


def _error(response, status=400):
    assert response.status_code == status, response.text
    return response.json()["error"]["details"][0]


def _named(items, name):
    return next(item for item in items if item.get("name") == name)


def _parent(obj):
    return obj["relations"]["parent"]["id"]


def _poll(client, task_id, until=("Success", "Error"), timeout=10.0):
    states = []
    deadline = time.monotonic() + timeout
    while True:
        data = _data(client, f"/tasks/{task_id}")
        states.append(data["state"])
        if data["state"] in until or time.monotonic() > deadline:
            return data, states
        time.sleep(0.02)


def _cleanup(client, task_id):
    assert client.get(f"/tasks/{task_id}?tasks&noData").json()["tasks"][0] == {"id": "TaskCleanup", "displayName": "Finish"}
    assert client.post(f"/tasks/{task_id}?task=TaskCleanup", json={}).json() == {"result": {"state": "Success"}}
    assert client.get(f"/tasks/{task_id}").status_code == 404


def _run(client, path, task, body, *, status=200):
    """Invoke a long-running task, poll it to its end, clean it up; the final task data."""
    answer = client.post(f"{path}?task={task}", json=body)
    assert answer.status_code == status, answer.text
    result = answer.json()["result"]
    assert result["state"] == "Idle" and result["path"]["type"] == "tasks"
    data, states = _poll(client, result["path"]["id"])
    assert states[-1] in ("Success", "Error") and data["progress"] == 100
    _cleanup(client, result["path"]["id"])
    return data


def _network(sim):
    status, body = sim.request("GET", "/_simulator/network")
    assert status == 200
    return body["recordingServers"]


def _device(sim, address):
    return next(device for server in _network(sim) for device in server["devices"] if device["address"] == address)


def _token(sim, username, password):
    form = {"grant_type": "password", "username": username, "password": password, "client_id": "GrantValidatorClient"}
    return sim.request("POST", "/IDP/connect/token", form=form)


class Site:  # pylint: disable=too-many-instance-attributes
    """The objects the tasks run on, read from the seeded site."""

    def __init__(self, client):
        servers = _array(client, "/recordingServers")
        self.rs1, self.rs2 = servers[0], servers[1]
        self.drivers = {driver["groupName"]: driver for driver in _array(client, f"/recordingServers/{self.rs1['id']}/hardwareDrivers")}
        self.hardware = next(item for item in _array(client, "/hardware") if _parent(item) == self.rs1["id"]
                             and _array(client, f"/hardware/{item['id']}/cameras"))
        self.storages = _array(client, f"/recordingServers/{self.rs1['id']}/storages")
        self.camera = _array(client, "/cameras")[0]
        self.devices = {kind: _array(client, f"/{kind}?disabled")[0] for kind in ("cameras", "microphones", "speakers", "metadata")}
        self.output = next(item for item in _array(client, "/outputs"))
        self.role = _named(_array(client, "/roles"), "Operators")
        self.admins = _named(_array(client, "/roles"), "Administrators")
        self.basic_user = _named(_array(client, "/basicUsers"), "installer")
        self.members = _array(client, f"/roles/{self.role['id']}/users")

    def add_body(self, address="192.0.2.11", group="AXIS", user="root", password="pass"):
        return {"hardwareAddress": f"http://{address}/", "hardwareDriverPath": {"type": "hardwareDrivers", "id": self.drivers[group]["id"]},
                "userName": user, "password": password, "customData": ""}


@pytest.fixture(name="site")
def site_fixture(client):
    return Site(client)


# -- every task: (name, long-running, path and body and id of the object it runs on) -------------------------------------

def _other_storage(client, device):
    server = _parent(_data(client, f"/hardware/{_parent(device)}"))
    return next(storage for storage in _array(client, f"/recordingServers/{server}/storages")
                if storage["id"] != device["recordingStorage"]["id"])


CASES: dict[str, tuple[bool, Callable[[Any, Site], tuple[str, Any, str]]]] = {
    "ReadPasswordHardware": (False, lambda c, s: (f"/hardware/{s.hardware['id']}", None, s.hardware["id"])),
    "ChangePasswordHardware": (False, lambda c, s: (f"/hardware/{s.hardware['id']}", {"password": "N3w-pass"}, s.hardware["id"])),
    "ChangePasswordHardware on the device": (True, lambda c, s: (f"/hardware/{s.hardware['id']}",
                                                                 {"password": "N3w-pass", "updatePasswordOnDevice": True}, s.hardware["id"])),
    "MoveHardware": (True, lambda c, s: (f"/hardware/{s.hardware['id']}", {"destinationRecordingServer": f"recordingServers/{s.rs2['id']}"},
                                         s.hardware["id"])),
    "ReplaceHardware": (True, lambda c, s: (f"/hardware/{s.hardware['id']}", {"address": "192.0.2.14", "driver": "40", "userName": "admin",
                                                                              "password": "admin"}, s.hardware["id"])),
    "UpdateFirmwareHardware": (True, lambda c, s: (f"/hardware/{s.hardware['id']}", {"storageId": "firmware-11.11.74"}, s.hardware["id"])),
    "HardwareScan": (True, lambda c, s: (f"/recordingServers/{s.rs1['id']}", {"hardwareAddress": "192.0.2.11", "hardwareDriverIds": "",
                                                                              "userName": "root", "password": "pass"}, s.rs1["id"])),
    "HardwareScanExpress": (True, lambda c, s: (f"/recordingServers/{s.rs1['id']}", {"useDefaultCredentials": True}, s.rs1["id"])),
    "AddHardware": (True, lambda c, s: (f"/recordingServers/{s.rs1['id']}", s.add_body(), s.rs1["id"])),
    "AddRoleMember": (False, lambda c, s: (f"/roles/{s.role['id']}/users", {"sid": s.basic_user["sid"]}, s.role["id"])),
    "RemoveRoleMember": (False, lambda c, s: (f"/roles/{s.role['id']}/users",
                                              {"itemSelection": f"User[{s.members[0]['relations']['self']['id'].upper()}]"}, s.role["id"])),
    "ChangeOverallSecurityPermissions": (False, lambda c, s: (f"/roles/{s.role['id']}",
                                                              {"securityNamespace": CAMERAS_NAMESPACE, "VIEW_LIVE": "Allow"}, s.role["id"])),
    "SetClientProfile": (False, lambda c, s: (f"/roles/{s.role['id']}", {"itemSelection": "ClientProfile[%s]" % _named(
        _array(c, "/clientProfiles"), "Control room")["id"].upper()}, s.role["id"])),
    "ChangePasswordBasicUser": (False, lambda c, s: (f"/basicUsers/{s.basic_user['id']}", {"password": "Inst-4ll3r"}, s.basic_user["id"])),
    "SetStorageAsDefault": (False, lambda c, s: (f"/storages/{s.storages[1]['id']}", None, s.storages[1]["id"])),
    "JpegGetLive": (False, lambda c, s: (f"/cameras/{s.camera['id']}", {"width": 64, "height": 64}, s.camera["id"])),
    "Activate": (False, lambda c, s: (f"/outputs/{s.output['id']}", None, s.output["id"])),
    "Deactivate": (False, lambda c, s: (f"/outputs/{s.output['id']}", None, s.output["id"])),
    "Trigger": (False, lambda c, s: (f"/outputs/{s.output['id']}", None, s.output["id"])),
    **{f"ChangeDeviceRecordingStorage {kind}": (True, lambda c, s, kind=kind: (
        f"/{kind}/{s.devices[kind]['id']}", {"itemSelection": f"Storage[{_other_storage(c, s.devices[kind])['id'].upper()}]"},
        s.devices[kind]["id"])) for kind in ("cameras", "microphones", "speakers", "metadata")},
}


def _case(client, site, case):
    long_running, make = CASES[case]
    path, body, target = make(client, site)
    return case.split()[0], long_running, path, body, target


@pytest.mark.parametrize("case", sorted(CASES))
def test_documented_flow(sim, client, site, case):
    task, long_running, path, body, target = _case(client, site, case)
    assert {"id": task} in [{"id": item["id"]} for item in client.get(f"{path}?tasks&noData").json()["tasks"]], "offered in ?tasks"
    if body:
        missing = client.post(f"{path}?task={task}")
        assert _error(missing)["errorText"] == "Bad request: parameters missing"
        assert set(body) - {"VIEW_LIVE"} <= set(missing.json()["params"])
    sim.reset(stats_only=True)
    answer = client.post(f"{path}?task={task}", json=body) if body is not None else client.post(f"{path}?task={task}")
    assert answer.status_code == (201 if task == "AddHardware" else 200), answer.text
    result = answer.json()["result"]
    if long_running:
        assert result["state"] == "Idle" and result["path"]["type"] == "tasks" and set(body) <= set(result)
        first = _data(client, f"/tasks/{result['path']['id']}")
        assert first["state"] in ("Idle", "InProgress", "Success") and first["displayName"] != "invokeResult"
        data, states = _poll(client, result["path"]["id"])
        assert data["state"] == "Success", data
        assert "InProgress" in states or states[0] in ("Idle", "Success")
        assert any(key.endswith("Path") and value == {"type": value["type"], "id": target} for key, value in data.items()
                   if isinstance(value, dict) and "id" in value), "the task names its object in a *Path field"
        _cleanup(client, result["path"]["id"])
        assert sim.stats()["open_tasks"] == 0
    else:
        assert result["state"] == "Success" and "path" not in result, result
    logged = [entry for entry in sim.requests_log(kind="rest") if entry["method"] == "POST"]
    assert logged[0]["query"] == f"task={task}" and logged[0]["status"] == answer.status_code


@pytest.mark.parametrize("case", sorted(CASES))
def test_error_outcome(sim, client, site, case):
    task, long_running, path, body, target = _case(client, site, case)
    sim.faults(task_outcomes={target: "error"})
    answer = client.post(f"{path}?task={task}", json=body) if body is not None else client.post(f"{path}?task={task}")
    assert answer.status_code in (200, 201), answer.text
    result = answer.json()["result"]
    data = _poll(client, result["path"]["id"])[0] if long_running else result
    assert data["state"] == "Error" and isinstance(data["errorCode"], int)
    assert VMO_RE.match(data["errorText"]) and int(VMO_RE.match(data["errorText"]).group(1)) == data["errorCode"]
    if task == "AddHardware":  # the document's example of a failed task
        assert data["errorCode"] == 60277 and data["errorText"].startswith("VMO60277: Could not add the hardware.")


@pytest.mark.parametrize("case", sorted(CASES))
def test_hang_outcome(sim, client, site, case):
    task, long_running, path, body, target = _case(client, site, case)
    sim.faults(task_outcomes={target: "hang"})
    answer = client.post(f"{path}?task={task}", json=body) if body is not None else client.post(f"{path}?task={task}")
    if not long_running:
        assert _error(answer, 504)["errorText"] == "Gateway Timeout"
        return
    task_id = answer.json()["result"]["path"]["id"]
    time.sleep(TASK_SECONDS * 4)
    data = _data(client, f"/tasks/{task_id}")
    assert data["state"] == "InProgress" and data["progress"] == 42
    assert client.post(f"/tasks/{task_id}?task=TaskStop").json() == {"result": {"state": "Success"}}
    stopped = _data(client, f"/tasks/{task_id}")
    assert stopped["state"] == "Error" and stopped["errorText"] == "Stopped"
    _cleanup(client, task_id)


# -- hardware ----------------------------------------------------------------------------------------------------------------

def test_network_control(sim, client, site):
    servers = _network(sim)
    assert [server["id"] for server in servers] == [site.rs1["id"], site.rs2["id"]]
    devices = {device["address"]: device for device in servers[0]["devices"]}
    assert {"192.0.2.11", "192.0.2.12", "192.0.2.13", "192.0.2.14", "192.0.2.15", "cam-gate.xprs01.example"} <= set(devices)
    assert {device["address"] for device in servers[1]["devices"]} >= {"198.51.100.11", "cam-gate.xprs02.example"}
    assert devices["192.0.2.15"]["reachable"] is False and devices["192.0.2.12"]["channels"]["cameras"] == 4
    assert devices["192.0.2.13"]["drivers"] == ["Hanwha"] and devices["192.0.2.14"]["drivers"] == ["ONVIF"]
    seeded = next(device for device in devices.values() if site.hardware["id"] in device["hardware"])
    assert seeded["address"] in site.hardware["address"] and seeded["userName"] == site.hardware["userName"]
    assert re.match(r"^([0-9A-F]{2}:){5}[0-9A-F]{2}$", seeded["macAddress"])
    assert not [entry for entry in sim.requests_log() if "network" in entry["path"]], "controls stay out of the request log"


def test_add_hardware(sim, client, site):
    rs = site.rs1["id"]
    missing = client.post(f"/recordingServers/{rs}?task=AddHardware&definitions")
    assert missing.json()["params"] == {"customData": "", "hardwareAddress": "", "hardwareDriverPath": "", "password": "", "userName": ""}
    assert {option["value"] for option in missing.json()["definitions"]["hardwareDriverPath"]["options"]} == {
        f"hardwareDrivers/{driver['id']}" for driver in site.drivers.values()}
    body = site.add_body("192.0.2.12")
    answer = client.post(f"/recordingServers/{rs}?task=AddHardware", json=body)
    assert answer.status_code == 201
    assert answer.json()["result"] == {**body, "state": "Idle", "path": answer.json()["result"]["path"]}, "the document's example echoes"
    data = _poll(client, answer.json()["result"]["path"]["id"])[0]
    assert data["state"] == "Success" and data["displayName"] == "Adding hardware"
    assert data["recordingServerPath"] == {"type": "recordingServers", "id": rs} and "password" not in data
    hardware = _data(client, f"/hardware/{data['hardwarePath']['id']}")
    assert hardware["enabled"] is False and hardware["address"] == "http://192.0.2.12/" and hardware["model"] == "AXIS M7104 Video Encoder"
    assert hardware["name"] == "AXIS M7104 Video Encoder (192.0.2.12)" and _parent(hardware) == rs and "password" not in hardware
    assert hardware["id"] not in {item["id"] for item in _array(client, "/hardware")}, "disabled: listed only with ?disabled"
    assert hardware["id"] in {item["id"] for item in _array(client, f"/recordingServers/{rs}/hardware?disabled")}
    cameras = _array(client, f"/hardware/{hardware['id']}/cameras?disabled")
    default = next(storage for storage in site.storages if storage["isDefault"])
    assert [(camera["channel"], camera["enabled"]) for camera in cameras] == [(0, False), (1, False), (2, False), (3, False)]
    assert cameras[0]["name"] == "AXIS M7104 Video Encoder (192.0.2.12) - Camera 1"
    assert {camera["recordingStorage"]["id"] for camera in cameras} == {default["id"]}
    assert set(cameras[0]) == set(site.camera)
    inputs = [item for item in _array(client, "/inputEvents?disabled") if _parent(item) == hardware["id"]]
    assert len(inputs) == 4 and not any(item["enabled"] for item in inputs)
    assert client.post(f"/hardware/{hardware['id']}?task=ReadPasswordHardware").json() == {"result": {"password": "pass", "state": "Success"}}
    assert _device(sim, "192.0.2.12")["hardware"] == [hardware["id"]]
    driver = _data(client, f"/recordingServers/{rs}/hardwareDrivers/{site.drivers['AXIS']['id']}")
    assert driver["useCount"] == site.drivers["AXIS"]["useCount"] + 1


@pytest.mark.parametrize("address, group, user, password, code", [
    ("192.0.2.11", "AXIS", "root", "wrong", 60281),      # the device refuses the credentials
    ("192.0.2.13", "AXIS", "admin", "Hanwha-6080R", 60281),  # the Hanwha driver is needed
    ("192.0.2.15", "Bosch", "service", "service", 60281),  # switched off
    ("203.0.113.99", "AXIS", "root", "pass", 60281),     # nothing there
])
def test_add_hardware_the_device_refuses(client, site, address, group, user, password, code):
    before = len(_array(client, "/hardware?disabled"))
    data = _run(client, f"/recordingServers/{site.rs1['id']}", "AddHardware", site.add_body(address, group, user, password), status=201)
    assert data["state"] == "Error" and data["errorCode"] == code
    assert data["errorText"].startswith(f"VMO{code}: Could not add the hardware.\nIt was not possible to connect")
    assert "hardwarePath" not in data and len(_array(client, "/hardware?disabled")) == before


def test_add_hardware_twice_is_already_defined(client, site):
    path = f"/recordingServers/{site.rs1['id']}"
    assert _run(client, path, "AddHardware", site.add_body(), status=201)["state"] == "Success"
    again = _run(client, path, "AddHardware", {**site.add_body(), "hardwareAddress": "192.0.2.11"}, status=201)
    assert again["errorCode"] == 60276
    assert again["errorText"] == "VMO60276: Could not add the hardware.\n\nThe hardware is already defined on the recording server."
    seeded = _run(client, path, "AddHardware", {**site.add_body(), "hardwareAddress": site.hardware["address"]}, status=201)
    assert seeded["errorCode"] == 60276, "a seeded address is on the recording server too"
    other = _array(client, f"/recordingServers/{site.rs2['id']}/hardwareDrivers")[0]
    wrong = client.post(f"{path}?task=AddHardware", json={**site.add_body(), "hardwareDriverPath": {"type": "hardwareDrivers", "id": other["id"]}})
    assert _error(wrong)["property"] == "hardwareDriverPath"


def test_hardware_scan(sim, client, site):
    path = f"/recordingServers/{site.rs1['id']}"
    drivers = client.post(f"{path}?task=HardwareScan&definitions").json()["definitions"]["hardwareDriverIds"]["options"]
    assert {option["value"] for option in drivers} == {"10", "20", "30", "40"}
    found = _run(client, path, "HardwareScan", {"hardwareAddress": "192.0.2.13", "hardwareDriverIds": "20;40", "userName": "admin",
                                                "password": "Hanwha-6080R"})
    assert found["state"] == "Success" and found["displayName"] == "Detecting hardware driver"
    assert found["hardwareDriverPath"] == {"type": "hardwareDrivers", "id": site.drivers["Hanwha"]["id"]}
    assert found["hardwareScanValidated"] is True and found["macAddress"] == _device(sim, "192.0.2.13")["macAddress"]
    assert found["macAddressExistsLocal"] is False and found["hardwareAddress"] == "http://192.0.2.13/"
    wrong_driver = _run(client, path, "HardwareScan", {"hardwareAddress": "192.0.2.13", "hardwareDriverIds": "10", "userName": "admin",
                                                       "password": "Hanwha-6080R"})
    assert wrong_driver["state"] == "Error" and wrong_driver["errorCode"] == 60281
    defaults = _run(client, path, "HardwareScan", {"hardwareAddress": "192.0.2.11", "hardwareDriverIds": "", "useDefaultCredentials": True})
    assert defaults["userName"] == "root" and defaults["hardwareDriverPath"]["id"] == site.drivers["AXIS"]["id"]
    assert _error(client.post(f"{path}?task=HardwareScan", json={"hardwareAddress": "192.0.2.11", "hardwareDriverIds": "99"}))[
        "property"] == "hardwareDriverIds"


def test_hardware_scan_express(client, site):
    path = f"/recordingServers/{site.rs1['id']}"
    found = {host: item for item in _run(client, path, "HardwareScanExpress", {"useDefaultCredentials": True})["results"]
             for host in [item["hardwareAddress"].split("/")[2]]}
    assert found["192.0.2.11"]["hardwareScanValidated"] is True and found["192.0.2.11"]["userName"] == "root"
    assert found["192.0.2.13"]["hardwareScanValidated"] is False, "the Hanwha camera's password is not the factory one"
    assert found["192.0.2.14"]["hardwareDriverPath"]["id"] == site.drivers["ONVIF"]["id"]
    assert "192.0.2.15" not in found, "an unreachable device is not found"
    assert "198.51.100.11" not in found, "devices of the other recording server's network are not scanned"
    seeded = found[site.hardware["address"].split("/")[2]]
    assert seeded["macAddressExistsLocal"] is True and seeded["hardwareScanValidated"] is False
    second = _run(client, path, "HardwareScanExpress", {"primaryUserName": "root", "primaryPassword": "pass",
                                                        "secondaryUserName": "admin", "secondaryPassword": "Hanwha-6080R", "useSecurePort": True})
    results = {item["hardwareAddress"]: item for item in second["results"]}
    assert results["https://192.0.2.13/"]["hardwareScanValidated"] is True and results["https://192.0.2.13/"]["userName"] == "admin"
    assert results["https://192.0.2.14/"]["hardwareScanValidated"] is False, "no default credentials asked for"


def test_change_password_hardware(sim, client, site):
    hardware = site.hardware
    path = f"/hardware/{hardware['id']}"
    current = client.post(f"{path}?task=ReadPasswordHardware").json()["result"]["password"]
    asked = client.post(f"{path}?task=ChangePasswordHardware&definitions").json()
    assert asked["params"] == {"password": "", "updatePasswordOnDevice": ""} and current not in repr(asked), "never the current password"
    device = _device(sim, hardware["address"].split("/")[2])
    assert device["password"] == current
    answer = client.post(f"{path}?task=ChangePasswordHardware", json={"password": "Vms-only-1"})
    assert answer.json() == {"result": {"password": "Vms-only-1", "state": "Success"}}
    changed = _data(client, path)
    assert changed["passwordLastModified"] > hardware["passwordLastModified"] and "password" not in changed
    assert client.post(f"{path}?task=ReadPasswordHardware").json()["result"]["password"] == "Vms-only-1"
    assert _device(sim, device["address"])["password"] == current, "the device keeps its password"
    refused = _run(client, path, "ChangePasswordHardware", {"password": "Both-2", "updatePasswordOnDevice": True})
    assert refused["state"] == "Error" and "refused" in refused["errorText"], "the VMS password no longer opens the device"
    client.post(f"{path}?task=ChangePasswordHardware", json={"password": current})
    done = _run(client, path, "ChangePasswordHardware", {"password": "Both-2", "updatePasswordOnDevice": True})
    assert done["state"] == "Success" and done["hardwarePath"] == {"type": "hardware", "id": hardware["id"]} and "password" not in done
    assert _device(sim, device["address"])["password"] == "Both-2"
    assert client.post(f"{path}?task=ReadPasswordHardware").json()["result"]["password"] == "Both-2"
    assert _error(client.post(f"{path}?task=ChangePasswordHardware", json={"password": ""}))["property"] == "password"


def test_move_hardware(client, site):
    hardware = site.hardware
    path = f"/hardware/{hardware['id']}"
    asked = client.post(f"{path}?task=MoveHardware&definitions").json()
    assert asked["params"] == {"destinationRecordingServer": ""}
    assert [option["value"] for option in asked["definitions"]["destinationRecordingServer"]["options"]] == [f"recordingServers/{site.rs2['id']}"]
    storages = _array(client, f"/recordingServers/{site.rs2['id']}/storages")
    target = _named(storages, "Long retention")
    assert f"storages/{target['id']}" in {option["value"] for option in asked["definitions"]["destinationStorage"]["options"]}
    assert _error(client.post(f"{path}?task=MoveHardware", json={"destinationRecordingServer": f"recordingServers/{site.rs1['id']}"}))[
        "property"] == "destinationRecordingServer"
    assert _error(client.post(f"{path}?task=MoveHardware", json={"destinationRecordingServer": f"recordingServers/{site.rs2['id']}",
                                                                 "destinationStorage": f"storages/{site.storages[0]['id']}"}))[
        "property"] == "destinationStorage"
    cameras = [camera["id"] for camera in _array(client, f"/hardware/{hardware['id']}/cameras?disabled")]
    data = _run(client, path, "MoveHardware", {"destinationRecordingServer": f"RecordingServer[{site.rs2['id'].upper()}]",
                                               "destinationStorage": f"storages/{target['id']}", "ignoreSourceRecordingServer": False})
    assert data["state"] == "Success" and data["displayName"] == "Moving hardware"
    moved = _data(client, path)
    assert _parent(moved) == site.rs2["id"] and moved["id"] in {item["id"] for item in _array(client, f"/recordingServers/{site.rs2['id']}/hardware?disabled")}
    rs2_drivers = {driver["id"] for driver in _array(client, f"/recordingServers/{site.rs2['id']}/hardwareDrivers")}
    assert moved["hardwareDriverPath"]["id"] in rs2_drivers
    assert {_data(client, f"/cameras/{camera}")["recordingStorage"]["id"] for camera in cameras} == {target["id"]}
    assert [camera["id"] for camera in _array(client, f"/hardware/{hardware['id']}/cameras?disabled")] == cameras


def test_replace_hardware(sim, client, site):
    hardware = site.hardware
    path = f"/hardware/{hardware['id']}"
    asked = client.post(f"{path}?task=ReplaceHardware&definitions").json()
    assert {option["value"] for option in asked["definitions"]["driver"]["options"]} == {"10", "20", "30", "40"}
    assert _error(client.post(f"{path}?task=ReplaceHardware", json={"address": "192.0.2.14", "driver": "86"}))["property"] == "driver"
    refused = _run(client, path, "ReplaceHardware", {"address": "192.0.2.14", "driver": "10", "userName": "admin", "password": "admin"})
    assert refused["state"] == "Error" and refused["errorCode"] == 60281, "the ONVIF device needs the ONVIF driver"
    cameras = [camera["id"] for camera in _array(client, f"/hardware/{hardware['id']}/cameras?disabled")]
    data = _run(client, path, "ReplaceHardware", {"address": "192.0.2.14", "driver": "40", "userName": "admin", "password": "admin",
                                                  "port": 8080, "useHttps": False})
    assert data["state"] == "Success" and data["displayName"] == "Replacing hardware"
    replaced = _data(client, path)
    assert replaced["address"] == "http://192.0.2.14:8080/" and replaced["model"] == "ONVIF Conformant Device" and replaced["userName"] == "admin"
    assert replaced["hardwareDriverPath"]["id"] == site.drivers["ONVIF"]["id"] and replaced["name"] == hardware["name"]
    assert [camera["id"] for camera in _array(client, f"/hardware/{hardware['id']}/cameras?disabled")] == cameras, "devices are kept"
    assert client.post(f"{path}?task=ReadPasswordHardware").json()["result"]["password"] == "admin"
    assert _device(sim, "192.0.2.14")["hardware"] == [hardware["id"]]


def test_update_firmware(sim, client, site):
    path = f"/hardware/{site.hardware['id']}"
    address = site.hardware["address"].split("/")[2]
    before = _device(sim, address)["firmware"]
    assert _error(client.post(f"{path}?task=UpdateFirmwareHardware", json={"storageId": ""}))["property"] == "storageId"
    answer = client.post(f"{path}?task=UpdateFirmwareHardware", json={"storageId": "firmware-upload-1"})
    task_id = answer.json()["result"]["path"]["id"]
    time.sleep(TASK_SECONDS * 1.5)
    assert _data(client, f"/tasks/{task_id}")["state"] == "InProgress", "an update takes longer than other tasks"
    data = _poll(client, task_id)[0]
    assert data["state"] == "Success" and data["displayName"] == "Updating firmware"
    after = _device(sim, address)["firmware"]
    assert after != before and after.rsplit(".", 1)[0] == before.rsplit(".", 1)[0]


# -- roles, users, storages -----------------------------------------------------------------------------------------------

def test_overall_security(client, site):
    path = f"/roles/{site.role['id']}"
    asked = client.post(f"{path}?task=ChangeOverallSecurityPermissions&definitions").json()
    assert asked["params"] == {"securityNamespace": ""}
    namespaces = {option["displayName"]: option["value"] for option in asked["definitions"]["securityNamespace"]["options"]}
    assert namespaces["Cameras"] == CAMERAS_NAMESPACE and namespaces["Management Server"] == "e9914e39-a67a-496c-a3c1-5b4aaab28f15"
    read = client.post(f"{path}?task=ChangeOverallSecurityPermissions", json={"securityNamespace": CAMERAS_NAMESPACE}).json()["result"]
    assert read == {"securityNamespace": CAMERAS_NAMESPACE, "GENERIC_READ": "None", "GENERIC_WRITE": "None", "VIEW_LIVE": "None",
                    "PLAYBACK": "None", "EXPORT": "None", "ADMIN_SECURITY": "None", "state": "Success"}
    written = client.post(f"{path}?task=ChangeOverallSecurityPermissions",
                          json={"securityNamespace": CAMERAS_NAMESPACE.upper(), "VIEW_LIVE": "Allow", "export": "Deny"}).json()["result"]
    assert written["VIEW_LIVE"] == "Allow" and written["EXPORT"] == "Deny" and written["PLAYBACK"] == "None"
    again = client.post(f"{path}?task=ChangeOverallSecurityPermissions", json={"securityNamespace": CAMERAS_NAMESPACE}).json()["result"]
    assert again == written, "kept and readable back"
    other = client.post(f"/roles/{_named(_array(client, '/roles'), 'Installers')['id']}?task=ChangeOverallSecurityPermissions",
                        json={"securityNamespace": CAMERAS_NAMESPACE}).json()["result"]
    assert other["VIEW_LIVE"] == "None", "per role"
    hardware = client.post(f"{path}?task=ChangeOverallSecurityPermissions",
                           json={"securityNamespace": "f97772d8-7b6d-4ea4-b6b5-ee4ea010fa2c"}).json()["result"]
    assert "DRIVER_COMMANDS" in hardware and "VIEW_LIVE" not in hardware, "per namespace"
    for body, prop in (({"securityNamespace": CAMERAS_NAMESPACE, "FLY": "Allow"}, "FLY"),
                       ({"securityNamespace": CAMERAS_NAMESPACE, "VIEW_LIVE": "Maybe"}, "VIEW_LIVE"),
                       ({"securityNamespace": "00000000-0000-0000-0000-000000000001"}, "securityNamespace")):
        assert _error(client.post(f"{path}?task=ChangeOverallSecurityPermissions", json=body))["property"] == prop
    admins = client.post(f"/roles/{site.admins['id']}?task=ChangeOverallSecurityPermissions", json={"securityNamespace": CAMERAS_NAMESPACE})
    assert "Administrators" in _error(admins)["errorText"]


def test_set_client_profile(client, site):
    path = f"/roles/{site.role['id']}"
    profiles = {profile["name"]: profile["id"] for profile in _array(client, "/clientProfiles")}
    asked = client.post(f"{path}?task=SetClientProfile&definitions").json()
    assert asked["params"] == {"itemSelection": f"ClientProfile[{profiles['Default client profile'].upper()}]"}
    assert {option["displayName"] for option in asked["definitions"]["itemSelection"]["options"]} == set(profiles)
    control = f"ClientProfile[{profiles['Control room'].upper()}]"
    assert client.post(f"{path}?task=SetClientProfile", json={"itemSelection": control.lower().replace("clientprofile", "ClientProfile")}).json() == {
        "result": {"itemSelection": control, "state": "Success"}}
    assert client.post(f"{path}?task=SetClientProfile").json()["params"] == {"itemSelection": control}, "readable back"
    assert _error(client.post(f"{path}?task=SetClientProfile", json={"itemSelection": "ClientProfile[x]"}))["property"] == "itemSelection"


def test_role_members_take_part_in_the_faults(sim, client, site):
    members = f"/roles/{site.role['id']}/users"
    sim.faults(task_outcomes={site.role["id"]: "error"})
    failed = client.post(f"{members}?task=AddRoleMember", json={"sid": site.basic_user["sid"]}).json()["result"]
    assert failed["state"] == "Error" and failed["sid"] == site.basic_user["sid"]
    assert _array(client, members) == site.members, "no effect"
    assert _error(client.post(f"{members}?task=AddRoleMember", json={"sid": " "}))["property"] == "sid", "checked before the outcome"
    sim.faults(clear=True)
    assert client.post(f"{members}?task=AddRoleMember", json={"sid": site.basic_user["sid"]}).json()["result"]["state"] == "Success"
    assert len(_array(client, members)) == len(site.members) + 1


def test_basic_users_log_in_with_their_passwords(sim, client, site):
    assert _token(sim, "installer", "Inst-4ll3r")[0] == 400, "a seeded basic user has no password yet"
    created = client.post("/basicUsers", json={"name": "alice", "password": "Al1ce-pw", "description": "Night shift"})
    assert created.status_code == 201 and "password" not in created.json()["result"] and "Al1ce-pw" not in created.text
    alice = created.json()["result"]
    assert alice["sid"] not in {site.basic_user["sid"]} and "Al1ce-pw" not in client.get(f"/basicUsers/{alice['id']}").text
    status, token = _token(sim, "alice", "Al1ce-pw")
    assert status == 200
    as_alice = client.session.get(sim.url + "/api/rest/v1/cameras", headers={"Authorization": f"Bearer {token['access_token']}"})
    assert as_alice.status_code == 200
    write = client.session.post(sim.url + "/api/rest/v1/userDefinedEvents", json={"name": "x"},
                                headers={"Authorization": f"Bearer {token['access_token']}"})
    assert write.status_code == 403, "not in the Administrators role"
    assert _error(client.post("/basicUsers", json={"name": "ALICE", "password": "x"}))["property"] == "name"
    changed = client.post(f"/basicUsers/{alice['id']}?task=ChangePasswordBasicUser", json={"password": "N3w-alice"})
    assert changed.json() == {"result": {"password": "N3w-alice", "state": "Success"}}
    assert _token(sim, "alice", "Al1ce-pw") == (400, {"error": "invalid_grant", "error_description": "invalid_username_or_password",
                                                      "error_code": "InvalidCredentials"})
    status, token = _token(sim, "alice", "N3w-alice")
    assert status == 200
    client.post(f"/roles/{site.admins['id']}/users?task=AddRoleMember", json={"sid": alice["sid"]})
    status, token = _token(sim, "alice", "N3w-alice")
    write = client.session.post(sim.url + "/api/rest/v1/userDefinedEvents", json={"name": "By alice"},
                                headers={"Authorization": f"Bearer {token['access_token']}"})
    assert write.status_code == 201, "a member of the Administrators role"
    installer = client.post(f"/basicUsers/{site.basic_user['id']}?task=ChangePasswordBasicUser", json={"password": "Inst-4ll3r"})
    assert installer.json()["result"]["state"] == "Success" and _token(sim, "installer", "Inst-4ll3r")[0] == 200
    contractor = _named(_array(client, "/basicUsers"), "contractor")
    client.post(f"/basicUsers/{contractor['id']}?task=ChangePasswordBasicUser", json={"password": "C0ntract"})
    assert _token(sim, "contractor", "C0ntract")[1]["error_code"] == "LockedOut"
    client.delete(f"/basicUsers/{alice['id']}")
    assert _token(sim, "alice", "N3w-alice")[0] == 400


def test_set_storage_as_default(client, site):
    long = _named(site.storages, "Long retention")
    assert client.post(f"/storages/{long['id']}?task=SetStorageAsDefault").json() == {"result": {"state": "Success"}}
    defaults = {storage["name"]: storage["isDefault"] for storage in _array(client, f"/recordingServers/{site.rs1['id']}/storages")}
    assert defaults == {"Local default": False, "Long retention": True}
    assert [storage["isDefault"] for storage in _array(client, f"/recordingServers/{site.rs2['id']}/storages")].count(True) == 1
    assert _error(client.post(f"/storages/{long['id']}?task=SetStorageAsDefault", json={"x": 1}))["property"] == "x"
    added = _run(client, f"/recordingServers/{site.rs1['id']}", "AddHardware", site.add_body(), status=201)
    assert {camera["recordingStorage"]["id"] for camera in _array(client, f"/hardware/{added['hardwarePath']['id']}/cameras?disabled")} == {
        long["id"]}, "new hardware records on the new default"


@pytest.mark.parametrize("kind", ["cameras", "microphones", "speakers", "metadata"])
def test_change_device_recording_storage(sim, client, site, kind):
    device = site.devices[kind]
    path = f"/{kind}/{device['id']}"
    server = _parent(_data(client, f"/hardware/{_parent(device)}"))
    asked = client.post(f"{path}?task=ChangeDeviceRecordingStorage&definitions").json()
    assert {option["value"] for option in asked["definitions"]["itemSelection"]["options"]} == {
        f"Storage[{storage['id'].upper()}]" for storage in _array(client, f"/recordingServers/{server}/storages")}
    other_server = site.rs2["id"] if server == site.rs1["id"] else site.rs1["id"]
    foreign = _array(client, f"/recordingServers/{other_server}/storages")[0]
    assert _error(client.post(f"{path}?task=ChangeDeviceRecordingStorage", json={"itemSelection": f"Storage[{foreign['id']}]"}))[
        "property"] == "itemSelection"
    target = _other_storage(client, device)
    sim.faults(task_outcomes={device["id"]: "error"})
    assert _run(client, path, "ChangeDeviceRecordingStorage", {"itemSelection": f"Storage[{target['id'].upper()}]"})["state"] == "Error"
    assert _data(client, path)["recordingStorage"] == device["recordingStorage"], "a failed task has no effect"
    sim.faults(clear=True)
    data = _run(client, path, "ChangeDeviceRecordingStorage", {"itemSelection": f"Storage[{target['id']}]", "moveData": False})
    singular = {"cameras": "camera", "microphones": "microphone", "speakers": "speaker", "metadata": "metadata"}[kind]
    assert data["state"] == "Success" and data[f"{singular}Path"] == {"type": kind, "id": device["id"]}
    assert _data(client, path)["recordingStorage"] == {"type": "storages", "id": target["id"]}


def test_jpeg_get_live(client, site):
    path = f"/cameras/{site.camera['id']}"
    result = client.post(f"{path}?task=JpegGetLive", json={"width": 320, "height": 320}).json()["result"]
    assert set(result) == {"frameDateTime", "jpegDataAsBase64", "state"} and result["state"] == "Success"
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$", result["frameDateTime"])
    image = base64.b64decode(result["jpegDataAsBase64"])
    assert image[:2] == b"\xff\xd8" and image[-2:] == b"\xff\xd9"
    sof = image.index(b"\xff\xc0")
    assert (int.from_bytes(image[sof + 7:sof + 9], "big"), int.from_bytes(image[sof + 5:sof + 7], "big")) == (320, 180), "16:9 within 320 x 320"
    try:
        from PIL import Image  # pylint: disable=import-outside-toplevel
    except ImportError:
        Image = None
    if Image is not None:
        decoded = Image.open(io.BytesIO(image))
        decoded.load()
        assert decoded.size == (320, 180) and decoded.format == "JPEG"
    native = client.post(f"{path}?task=JpegGetLive", json={"width": 0}).json()["result"]
    assert len(base64.b64decode(native["jpegDataAsBase64"])) > len(image)
    client.patch(path, json={"enabled": False})
    refused = client.post(f"{path}?task=JpegGetLive", json={"width": 64}).json()["result"]
    assert refused["state"] == "Error" and refused["errorText"].startswith(f"VMO{refused['errorCode']}: ") and "jpegDataAsBase64" not in refused


def test_outputs(client, site):
    output = site.output
    source = f"outputs/{output['id']}"

    def events():
        return [(event["type"], event["source"]) for event in _array(client, "/events") if event["source"] == source]

    assert client.post(f"/outputs/{output['id']}?task=Activate").json() == {"result": {"state": "Success"}}
    assert events() == [(OUTPUT_ACTIVATED, source)]
    client.post(f"/outputs/{output['id']}?task=Deactivate")
    assert events()[0] == (OUTPUT_DEACTIVATED, source), "newest first"
    client.post(f"/outputs/{output['id']}?task=Trigger", json={})
    assert [kind for kind, _source in events()] == [OUTPUT_DEACTIVATED, OUTPUT_ACTIVATED, OUTPUT_DEACTIVATED, OUTPUT_ACTIVATED]
    assert _error(client.post(f"/outputs/{output['id']}?task=Activate", json={"on": True}))["property"] == "on"
    client.patch(f"/outputs/{output['id']}", json={"enabled": False})
    assert client.post(f"/outputs/{output['id']}?task=Activate").json()["result"]["state"] == "Error"
    assert len(events()) == 4, "a disabled output does nothing"


# -- what the other tasks do, the camera routes, secrets -----------------------------------------------------------------

def test_other_tasks_still_echo(client, site):
    assert client.post(f"/recordingServers/{site.rs1['id']}?task=ReadDrivesOnRecorder").json() == {"result": {"state": "Success"}}
    camera = site.camera
    answer = client.post(f"/cameras/{camera['id']}?task=SetPtzAbsolutePosition", json={"pan": 0.5})
    assert answer.json()["result"]["state"] == "Success"
    role = client.post(f"/cameras/{camera['id']}?task=ChangeSecurityPermissions", json={"userPath": {"type": "roles", "id": site.role["id"]}})
    assert role.json() == {"result": {"userPath": {"type": "roles", "id": site.role["id"]}, "state": "Success"}}
    tasks = client.get(f"/cameras/{camera['id']}?tasks&noData").json()["tasks"]
    assert {"JpegGetLive", "ChangeDeviceRecordingStorage", "ChangeSecurityPermissions"} <= {task["id"] for task in tasks}
    assert client.get(f"/cameras/{camera['id']}?tasks").json()["data"] == camera


def test_secrets_show_only_where_a_server_shows_them(sim, client, site):
    path = f"/recordingServers/{site.rs1['id']}"
    secret = "S3cret-hw"
    add = client.post(f"{path}?task=AddHardware", json=site.add_body("cam-gate.xprs01.example", user="root", password="Gate-PTZ-7"))
    assert add.json()["result"]["password"] == "Gate-PTZ-7", "the invocation echoes its parameters, as the document's example"
    data = _poll(client, add.json()["result"]["path"]["id"])[0]
    hardware_id = data["hardwarePath"]["id"]
    assert "Gate-PTZ-7" not in repr(data) and "Gate-PTZ-7" not in client.get(f"/hardware/{hardware_id}?definitions").text
    assert _data(client, f"/cameras/{_array(client, f'/hardware/{hardware_id}/cameras?disabled')[0]['id']}")["ptzEnabled"] is True
    client.post(f"/hardware/{hardware_id}?task=ChangePasswordHardware", json={"password": secret})
    task = _run(client, f"/hardware/{hardware_id}", "ChangePasswordHardware", {"password": secret + "2", "updatePasswordOnDevice": True})
    assert task["state"] == "Error" and secret not in repr(task)
    assert secret not in client.post(f"/hardware/{hardware_id}?task=ChangePasswordHardware&definitions").text
    assert secret not in repr(client.get("/tasks").json())
    assert secret not in repr(sim.requests_log()) and "Gate-PTZ-7" not in repr(sim.requests_log())
    assert secret not in repr(sim.request("GET", "/_simulator/config")[1])
