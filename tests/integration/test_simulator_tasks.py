"""Simulator: task lifecycle, outcomes, TaskStop, TaskCleanup and the legacy 400 (docs/xprotect-api.md §6)."""

from __future__ import annotations

import time

import pytest

TASK_FIELDS = {"displayName", "progress", "state", "sessionDataId", "cameraPath", "affectedProfileIds", "relations"}


def _ptz(client, index=0):
    return [camera for camera in client.get("/cameras").json()["array"] if camera["ptzEnabled"]][index]


def _invoke(client, camera):
    response = client.post(f"/cameras/{camera['id']}/ptzPresets?task=GetDevicePresets", json={"sessionDataId": 0})
    assert response.status_code == 200
    return response.json()["result"]["path"]["id"]


def _poll(client, task_id, until=("Success", "Error"), timeout=10.0):
    states = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        data = client.get(f"/tasks/{task_id}").json()["data"]
        states.append((data["state"], data["progress"]))
        if data["state"] in until:
            return data, states
        time.sleep(0.02)
    return data, states


@pytest.fixture(name="sim")
def sim_fixture(simulator_factory):
    """Tasks take 0.5 s here, so the Idle and InProgress phases are observable."""
    return simulator_factory("--task-seconds", "0.5")


def test_lifecycle_idle_inprogress_success(sim, sim_client):
    client = sim_client(sim)
    # 3 s tasks: Idle for their first 0.3 s, long enough to be read on a busy machine
    sim.faults(task_seconds=3)
    cameras = [_ptz(client), _ptz(client, 1)]
    task_id = _invoke(client, cameras[0])
    assert task_id == "1"
    first = client.get(f"/tasks/{task_id}").json()["data"]
    assert _invoke(client, cameras[1]) == "2"
    data, states = _poll(client, task_id)
    states.insert(0, (first["state"], first["progress"]))
    assert data["state"] == "Success" and data["progress"] == 100
    assert set(data) == TASK_FIELDS
    assert data["displayName"] == "invokeResult"
    assert data["affectedProfileIds"] == []
    site_id = client.get("/sites").json()["array"][0]["id"]
    assert data["relations"] == {"parent": {"type": "sites", "id": site_id}, "self": {"type": "tasks", "id": task_id}}
    seen = [state for state, _progress in states]
    assert seen[0] == "Idle"
    assert "InProgress" in seen
    order = {"Idle": 0, "InProgress": 1, "Success": 2}
    assert [order[state] for state in seen] == sorted(order[state] for state in seen)
    progress = [value for _state, value in states]
    assert progress == sorted(progress) and progress[0] == 0
    assert any(0 < value < 100 for value in progress)
    listed = client.get("/tasks").json()["array"]
    assert [item["relations"]["self"]["id"] for item in listed] == ["1", "2"]
    assert client.get(f"/tasks/{task_id}?tasks&noData").json() == {
        "tasks": [{"id": "TaskCleanup", "displayName": "Finish"}, {"id": "TaskStop", "displayName": "Stop"}]}


def test_error_outcome(sim, sim_client):
    client = sim_client(sim)
    sim.faults(task_outcome="error")
    data = _poll(client, _invoke(client, _ptz(client)))[0]
    assert data["state"] == "Error" and data["progress"] == 100
    assert isinstance(data["errorCode"], int)
    assert data["errorText"].startswith(f"VMO{data['errorCode']}: ")
    assert data["sessionDataId"] == 0  # no session from a failed read


def test_hang_outcome(simulator_factory, sim_client):
    sim = simulator_factory("--task-seconds", "0.1")
    client = sim_client(sim)
    sim.faults(task_outcome="hang")
    task_id = _invoke(client, _ptz(client))
    time.sleep(0.3)
    data = client.get(f"/tasks/{task_id}").json()["data"]
    assert data["state"] == "InProgress" and 0 < data["progress"] < 100
    time.sleep(0.1)
    assert client.get(f"/tasks/{task_id}").json()["data"] == data
    assert sim.stats()["running_tasks"] == 1


def test_per_camera_outcomes(sim, sim_client):
    client = sim_client(sim)
    failing, working = _ptz(client, 0), _ptz(client, 1)
    sim.faults(task_outcomes={failing["id"]: "error"})
    bad, good = _invoke(client, failing), _invoke(client, working)
    assert _poll(client, bad)[0]["state"] == "Error"
    assert _poll(client, good)[0]["state"] == "Success"


def test_effect_applies_without_polling(simulator_factory, sim_client):
    sim = simulator_factory("--task-seconds", "0.2")
    client = sim_client(sim)
    camera = _ptz(client)
    target = client.get(f"/cameras/{camera['id']}/ptzPresets").json()["array"][-1]
    client.post(f"/cameras/{camera['id']}/ptzPresets?task=DefaultPtzPreset", json={"itemSelection": f"PtzPreset[{target['id'].upper()}]"})
    time.sleep(0.3)
    assert client.get(f"/cameras/{camera['id']}/ptzPresets/{target['id']}").json()["data"]["defaultPreset"] is True


def test_error_outcome_does_not_apply(sim, sim_client):
    client = sim_client(sim)
    camera = _ptz(client)
    presets = client.get(f"/cameras/{camera['id']}/ptzPresets").json()["array"]
    target = next(preset for preset in presets if not preset["defaultPreset"])
    sim.faults(task_outcome="error")
    response = client.post(f"/cameras/{camera['id']}/ptzPresets?task=DefaultPtzPreset", json={"itemSelection": f"PtzPreset[{target['id'].upper()}]"})
    assert _poll(client, response.json()["result"]["path"]["id"])[0]["state"] == "Error"
    assert client.get(f"/cameras/{camera['id']}/ptzPresets").json()["array"] == presets


def test_task_stop(simulator_factory, sim_client):
    sim = simulator_factory("--task-seconds", "5")
    client = sim_client(sim)
    camera = _ptz(client)
    task_id = _invoke(client, camera)
    time.sleep(0.6)
    stopped = client.post(f"/tasks/{task_id}?task=TaskStop")
    assert stopped.status_code == 200
    assert stopped.json() == {"result": {"state": "Success"}}
    data = client.get(f"/tasks/{task_id}").json()["data"]
    assert data["state"] == "Error" and data["errorText"] == "Stopped"
    assert 0 < data["progress"] < 100
    assert sim.stats()["running_tasks"] == 0
    assert client.post(f"/tasks/{task_id}?task=TaskStop", json={}).status_code == 200


@pytest.mark.parametrize("kwargs", [{}, {"json": {}}, {"data": "{}"}])
def test_task_cleanup(simulator_factory, sim_client, kwargs):
    sim = simulator_factory("--task-seconds", "0")
    client = sim_client(sim)
    task_id = _invoke(client, _ptz(client))
    assert sim.stats()["open_tasks"] == 1
    cleaned = client.post(f"/tasks/{task_id}?task=TaskCleanup", **kwargs)
    assert cleaned.status_code == 200
    assert cleaned.json() == {"result": {"state": "Success"}}
    assert client.get(f"/tasks/{task_id}").status_code == 404
    assert client.post(f"/tasks/{task_id}?task=TaskCleanup").status_code == 404
    assert sim.stats()["open_tasks"] == 0


def test_task_errors(client):
    assert client.get("/tasks/999").status_code == 404
    task_id = _invoke(client, _ptz(client))
    assert client.post(f"/tasks/{task_id}?task=Explode").status_code == 400
    assert client.post(f"/tasks/{task_id}").status_code == 400
    assert client.post(f"/tasks/{task_id}?task=TaskCleanup", data="{oops").status_code == 400


def test_legacy_cleanup_400(simulator_factory, sim_client):
    sim = simulator_factory("--task-seconds", "0", "--legacy-cleanup-400")
    client = sim_client(sim)
    task_id = _invoke(client, _ptz(client))
    response = client.post(f"/tasks/{task_id}?task=TaskCleanup")
    assert response.status_code == 400
    assert response.json() == {"error": {"httpCode": 400, "details": [{"errorText": "Bad request -not supported, Method flow missing next MethodId"}]}}
    assert client.get(f"/tasks/{task_id}").status_code == 404


def test_task_seconds_control(client, simulator):
    simulator.faults(task_seconds=0)
    data = _poll(client, _invoke(client, _ptz(client)), timeout=1.0)[0]
    assert data["state"] == "Success"
