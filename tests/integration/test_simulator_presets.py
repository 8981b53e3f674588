"""Simulator: ptzPresets list/create/get/delete, Goto, DefaultPtzPreset, GetDevicePresets (docs/xprotect-api.md §5)."""

from __future__ import annotations

import time

import pytest

PRESET_FIELDS = {"id", "name", "displayName", "description", "devicePreset", "devicePresetInternalId", "defaultPreset", "locked",
                 "pan", "tilt", "zoom", "relations"}
PTZ_TASKS = [{"id": "DefaultPtzPreset", "displayName": "Set default PTZ preset"},
             {"id": "GetDevicePresets", "displayName": "Get presets from camera"}]


def _cameras(client, ptz=True):
    return [camera for camera in client.get("/cameras?disabled").json()["array"] if camera["ptzEnabled"] is ptz]


def _presets(client, camera_id):
    return client.get(f"/cameras/{camera_id}/ptzPresets").json()["array"]


def _wait(client, task_id, timeout=10.0):
    deadline = time.monotonic() + timeout
    while True:
        data = client.get(f"/tasks/{task_id}").json()["data"]
        if data["state"] in ("Success", "Error") or time.monotonic() > deadline:
            return data
        time.sleep(0.05)


@pytest.fixture(name="fast")
def fast_fixture(simulator_factory, sim_client):
    """A client of a simulator whose tasks take 0.2 s."""
    return sim_client(simulator_factory("--task-seconds", "0.2"))


def test_preset_list(client):
    camera = _cameras(client)[0]
    presets = _presets(client, camera["id"])
    assert 3 <= len(presets) <= 6
    for preset in presets:
        assert set(preset) == PRESET_FIELDS
        assert preset["displayName"] == preset["name"]
        assert preset["relations"] == {"self": {"type": "ptzPresets", "id": preset["id"]}, "parent": {"type": "cameras", "id": camera["id"]}}
        assert preset["devicePreset"] == bool(preset["devicePresetInternalId"])
        assert client.get(f"/cameras/{camera['id']}/ptzPresets/{preset['id']}").json() == {"data": preset}
    assert sum(preset["defaultPreset"] for preset in presets) <= 1


def test_preset_tasks_list(client):
    ptz = _cameras(client)[0]
    fixed = _cameras(client, ptz=False)[0]
    assert client.get(f"/cameras/{ptz['id']}/ptzPresets?tasks&noData").json() == {"tasks": PTZ_TASKS}
    assert client.get(f"/cameras/{fixed['id']}/ptzPresets?tasks&noData").json() == {"tasks": []}
    assert client.get(f"/cameras/{fixed['id']}/ptzPresets").json() == {"array": []}
    both = client.get(f"/cameras/{ptz['id']}/ptzPresets?tasks").json()
    assert both["tasks"] == PTZ_TASKS and both["array"] == _presets(client, ptz["id"])
    preset = _presets(client, ptz["id"])[0]
    assert client.get(f"/cameras/{ptz['id']}/ptzPresets/{preset['id']}?tasks&noData").json() == {"tasks": [{"id": "Goto", "displayName": "Goto preset"}]}
    refused = client.post(f"/cameras/{fixed['id']}/ptzPresets?task=DefaultPtzPreset", json={"itemSelection": "PtzPreset[X]"})
    assert refused.status_code == 400
    assert client.get("/cameras/00000000-0000-4000-8000-000000000000/ptzPresets").status_code == 404


def test_create_goto_delete(client):
    camera = _cameras(client)[0]
    created = client.post(f"/cameras/{camera['id']}/ptzPresets", json={"name": "Gate close", "pan": 0.1, "tilt": -0.2, "zoom": 0.3, "locked": True})
    assert created.status_code == 201
    preset = created.json()["result"]
    assert set(preset) == PRESET_FIELDS
    assert (preset["name"], preset["pan"], preset["tilt"], preset["zoom"], preset["locked"]) == ("Gate close", 0.1, -0.2, 0.3, True)
    assert (preset["devicePreset"], preset["devicePresetInternalId"], preset["defaultPreset"]) == (False, "", False)
    assert preset in _presets(client, camera["id"])
    goto = client.post(f"/cameras/{camera['id']}/ptzPresets/{preset['id']}?task=Goto")
    assert goto.status_code == 200
    assert goto.json() == {"result": {"state": "Success"}}
    assert client.post(f"/cameras/{camera['id']}/ptzPresets/{preset['id']}?task=Fly").status_code == 400
    deleted = client.delete(f"/cameras/{camera['id']}/ptzPresets/{preset['id']}")
    assert deleted.json() == {"state": "Success"}
    assert client.get(f"/cameras/{camera['id']}/ptzPresets/{preset['id']}").status_code == 404
    assert client.post(f"/cameras/{camera['id']}/ptzPresets/{preset['id']}?task=Goto").status_code == 404


def test_create_errors(client):
    camera = _cameras(client)[0]
    fixed = _cameras(client, ptz=False)[0]
    assert client.post(f"/cameras/{fixed['id']}/ptzPresets", json={"name": "x"}).status_code == 400
    assert client.post(f"/cameras/{camera['id']}/ptzPresets", json={"pan": 0.1}).json()["params"] == {"name": ""}
    assert client.post(f"/cameras/{camera['id']}/ptzPresets", json={"name": "x", "pan": "left"}).status_code == 400
    assert client.post(f"/cameras/{camera['id']}/ptzPresets", json={"name": "x", "defaultPreset": True}).status_code == 400


def test_default_preset_task_mode(fast):
    camera = _cameras(fast)[0]
    presets = _presets(fast, camera["id"])
    target = next(preset for preset in presets if not preset["defaultPreset"])
    response = fast.post(f"/cameras/{camera['id']}/ptzPresets?task=DefaultPtzPreset", json={"itemSelection": f"PtzPreset[{target['id'].upper()}]"})
    assert response.status_code == 200
    result = response.json()["result"]
    assert result["sessionDataId"] == 0 and result["state"] == "Idle" and result["path"]["type"] == "tasks"
    # Not applied before the task succeeds.
    assert fast.get(f"/cameras/{camera['id']}/ptzPresets/{target['id']}").json()["data"]["defaultPreset"] is False
    assert _wait(fast, result["path"]["id"])["state"] == "Success"
    after = _presets(fast, camera["id"])
    assert [preset["id"] for preset in after if preset["defaultPreset"]] == [target["id"]]


def test_default_preset_sync_mode(simulator_factory, sim_client):
    client = sim_client(simulator_factory("--default-preset-mode", "sync"))
    camera = _cameras(client)[0]
    for target in _presets(client, camera["id"])[:2]:
        selection = f"PtzPreset[{target['id'].upper()}]"
        response = client.post(f"/cameras/{camera['id']}/ptzPresets?task=DefaultPtzPreset", json={"itemSelection": selection})
        assert response.status_code == 200
        assert response.json() == {"result": {"itemSelection": selection, "state": "Success"}}
        assert [preset["id"] for preset in _presets(client, camera["id"]) if preset["defaultPreset"]] == [target["id"]]
    assert client.get("/tasks").json() == {"array": []}


def test_item_selection_validation(client, simulator_factory, sim_client):
    camera = _cameras(client)[0]
    other = _cameras(client)[1]
    preset = _presets(client, camera["id"])[0]
    foreign = _presets(client, other["id"])[0]
    url = f"/cameras/{camera['id']}/ptzPresets?task=DefaultPtzPreset"
    for selection in (f"PtzPreset[{preset['id']}]", preset["id"].upper(), f"PtzPreset[{foreign['id'].upper()}]",
                      "PtzPreset[00000000-0000-4000-8000-000000000000]", "PtzPreset[]", 7):
        response = client.post(url, json={"itemSelection": selection})
        assert response.status_code == 400, selection
        assert response.json()["error"]["details"][0]["property"] == "itemSelection"
    empty = client.post(url)
    assert empty.status_code == 400
    assert empty.json() == {"error": {"httpCode": 400, "details": [{"errorText": "Bad request: parameters missing"}]},
                            "params": {"itemSelection": ""}}
    described = client.post(url + "&definitions", json={}).json()
    options = described["definitions"]["itemSelection"]["options"]
    assert {"value": f"PtzPreset[{preset['id'].upper()}]", "displayName": preset["name"]} in options
    lenient = sim_client(simulator_factory("--item-selection-case", "any", "--default-preset-mode", "sync"))
    camera = _cameras(lenient)[0]
    preset = _presets(lenient, camera["id"])[-1]
    accepted = lenient.post(f"/cameras/{camera['id']}/ptzPresets?task=DefaultPtzPreset", json={"itemSelection": f"PtzPreset[{preset['id']}]"})
    assert accepted.status_code == 200
    assert accepted.json()["result"]["itemSelection"] == f"PtzPreset[{preset['id'].upper()}]"


def test_only_one_default(fast):
    camera = _cameras(fast)[0]
    tasks = []
    for preset in _presets(fast, camera["id"]):
        response = fast.post(f"/cameras/{camera['id']}/ptzPresets?task=DefaultPtzPreset", json={"itemSelection": f"PtzPreset[{preset['id'].upper()}]"})
        tasks.append(response.json()["result"]["path"]["id"])
    for task in tasks:
        assert _wait(fast, task)["state"] == "Success"
    presets = _presets(fast, camera["id"])
    assert [preset["defaultPreset"] for preset in presets].count(True) == 1
    assert presets[-1]["defaultPreset"]


def test_get_device_presets_two_steps(simulator_factory, sim_client):
    sim = simulator_factory("--task-seconds", "0.2")
    client = sim_client(sim)
    camera = _cameras(client)[0]
    before = _presets(client, camera["id"])
    device = sim.device_presets(camera["id"])
    assert device, "every seeded PTZ camera has device presets"
    url = f"/cameras/{camera['id']}/ptzPresets?task=GetDevicePresets"

    step1 = client.post(url, json={"sessionDataId": 0})
    assert step1.status_code == 200
    result = step1.json()["result"]
    assert result["sessionDataId"] == 0 and result["state"] == "Idle"
    running = client.get(f"/tasks/{result['path']['id']}").json()["data"]
    assert running["sessionDataId"] == 0
    done = _wait(client, result["path"]["id"])
    assert done["state"] == "Success" and done["progress"] == 100
    assert done["cameraPath"] == {"type": "cameras", "id": camera["id"]}
    session = done["sessionDataId"]
    assert session > 0
    assert _presets(client, camera["id"]) == before  # step 1 only reads the device

    step2 = client.post(url, json={"sessionDataId": session})
    assert step2.status_code == 200
    assert step2.json()["result"]["sessionDataId"] == session
    final = _wait(client, step2.json()["result"]["path"]["id"])
    assert final["state"] == "Success" and final["sessionDataId"] == 0
    after = _presets(client, camera["id"])
    imported = {preset["devicePresetInternalId"]: preset for preset in after if preset["devicePreset"]}
    assert set(imported) == {item["internal_id"] for item in device}
    for item in device:
        assert (imported[item["internal_id"]]["name"], imported[item["internal_id"]]["pan"]) == (item["name"], item["pan"])
    vms_only = [preset for preset in before if not preset["devicePreset"]]
    assert all(preset in after for preset in vms_only)

    reused = client.post(url, json={"sessionDataId": session})
    assert reused.status_code == 400
    assert reused.json()["error"]["details"][0]["property"] == "sessionDataId"
    assert client.post(url, json={"sessionDataId": 999}).status_code == 400
    assert client.post(url, json={"sessionDataId": "0"}).status_code == 400
    assert client.post(url).json()["params"] == {"sessionDataId": 0}


def test_device_presets_control_and_merge(simulator_factory, sim_client):
    sim = simulator_factory("--task-seconds", "0")
    client = sim_client(sim)
    camera = _cameras(client)[0]
    other = _cameras(client)[1]
    new_device = [{"name": "Dock", "pan": 0.5, "tilt": 0.1, "zoom": 0.2}, {"name": "Yard", "pan": -0.5, "tilt": 0, "zoom": 1}]
    assert sim.set_device_presets(camera["id"], new_device)["presets"][0]["internal_id"] == "1"
    url = f"/cameras/{camera['id']}/ptzPresets?task=GetDevicePresets"
    first = client.post(url, json={"sessionDataId": 0}).json()["result"]["path"]["id"]
    session = _wait(client, first)["sessionDataId"]
    # A session belongs to its camera.
    assert client.post(f"/cameras/{other['id']}/ptzPresets?task=GetDevicePresets", json={"sessionDataId": session}).status_code == 400
    # Step 2 applies what step 1 read, even if the device changed in between.
    sim.set_device_presets(camera["id"], [{"name": "Changed", "pan": 0, "tilt": 0, "zoom": 0}])
    second = client.post(url, json={"sessionDataId": session}).json()["result"]["path"]["id"]
    assert _wait(client, second)["state"] == "Success"
    device_side = [preset for preset in _presets(client, camera["id"]) if preset["devicePreset"]]
    assert [(preset["name"], preset["devicePresetInternalId"]) for preset in device_side] == [("Dock", "1"), ("Yard", "2")]
    fixed = _cameras(client, ptz=False)[0]
    status = sim.request("POST", f"/_simulator/cameras/{fixed['id']}/device_presets", {"presets": []})[0]
    assert status == 400
    status = sim.request("POST", f"/_simulator/cameras/{camera['id']}/device_presets", {"presets": [{"pan": 1}]})[0]
    assert status == 400
