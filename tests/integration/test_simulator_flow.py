"""Simulator: the seed flow end to end, as a client following Milestone's samples would run it."""

from __future__ import annotations

import time

import requests


def test_seed_flow(simulator):
    simulator.faults(task_seconds=0.3)
    http = requests.Session()
    http.verify = simulator.ca_file
    http.trust_env = False

    # Discovery -> token endpoint -> gateway REST root (SEC sample).
    uris = http.get(simulator.url + "/api/.well-known/uris").json()
    token_url = http.get(uris["IdentityProvider"] + "/.well-known/openid-configuration").json()["token_endpoint"]
    rest = uris["ApiGateways"][0] + "rest/v1"

    # Login (form-encoded password grant, PY sample).
    login = http.post(token_url, data={"grant_type": "password", "username": "admin", "password": "admin", "client_id": "GrantValidatorClient"})
    assert login.status_code == 200
    http.headers["Authorization"] = "Bearer " + login.json()["access_token"]

    # User-defined event: create, get, rename, delete.
    created = http.post(rest + "/userDefinedEvents", json={"name": "my Python event"})
    assert created.status_code == 201
    event_id = created.json()["result"]["id"]
    assert http.get(f"{rest}/userDefinedEvents/{event_id}").json()["data"]["name"] == "my Python event"
    assert http.put(f"{rest}/userDefinedEvents/{event_id}", json={"name": "my renamed event"}).json()["data"]["name"] == "my renamed event"
    assert http.patch(f"{rest}/userDefinedEvents/{event_id}", json={"name": "my patched event"}).json()["data"]["name"] == "my patched event"
    assert http.delete(f"{rest}/userDefinedEvents/{event_id}").json() == {"state": "Success"}
    assert http.get(f"{rest}/userDefinedEvents/{event_id}").status_code == 404

    # Cameras, then the PTZ task list of a PTZ camera (lower-case path, as the PY sample writes it).
    cameras = http.get(rest + "/cameras").json()["array"]
    camera = next(camera for camera in cameras if camera["ptzEnabled"])
    tasks = http.get(f"{rest}/cameras/{camera['id']}/ptzpresets?tasks&noData").json()["tasks"]
    assert [task["id"] for task in tasks] == ["DefaultPtzPreset", "GetDevicePresets"]

    # Invoke GetDevicePresets, poll the task to Success, clean it up.
    invoked = http.post(f"{rest}/cameras/{camera['id']}/ptzpresets?task=GetDevicePresets", json={"sessionDataId": 0})
    assert invoked.status_code == 200
    task_id = invoked.json()["result"]["path"]["id"]
    deadline = time.monotonic() + 10
    states = []
    while time.monotonic() < deadline:
        data = http.get(f"{rest}/tasks/{task_id}").json()["data"]
        states.append(data["state"])
        if data["progress"] == 100:
            break
        time.sleep(0.05)
    assert states[-1] == "Success"
    assert "InProgress" in states
    assert data["sessionDataId"] > 0
    cleanup_tasks = http.get(f"{rest}/tasks/{task_id}?tasks&noData").json()["tasks"]
    assert {"id": "TaskCleanup", "displayName": "Finish"} in cleanup_tasks
    assert http.post(f"{rest}/tasks/{task_id}?task=TaskCleanup", data="{}", headers={"Content-Type": "application/json"}).json() == \
        {"result": {"state": "Success"}}
    assert http.get(f"{rest}/tasks/{task_id}").status_code == 404

    stats = simulator.stats()
    assert stats["token_grants"] == 1
    assert stats["open_tasks"] == 0
    assert stats["requests"]["DELETE"] == 1
