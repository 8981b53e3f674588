"""Simulator: every fault control of /_simulator/faults."""

from __future__ import annotations

import concurrent.futures
import time

import pytest
import requests

SERVICE_UNAVAILABLE = {"error": {"httpCode": 503, "details": [{"errorText": "Service Unavailable"}]}}


def test_fail_next_with_retry_after(simulator, client):
    assert client.login().status_code == 200
    state = simulator.faults(fail_next=2, status=503, retry_after=2)
    assert state["rules"] == [{"kind": "fail", "remaining": 2, "after": False, "status": 503, "retry_after": 2.0}]
    for _attempt in range(2):
        response = client.get("/cameras")
        assert response.status_code == 503
        assert response.json() == SERVICE_UNAVAILABLE
        assert response.headers["Retry-After"] == "2"
    assert client.get("/cameras").status_code == 200
    assert simulator.faults()["rules"] == []
    statuses = [entry["status"] for entry in simulator.requests_log(kind="rest")]
    assert statuses == [503, 503, 200]


def test_fail_next_skips_idp_without_match(simulator, client):
    simulator.faults(fail_next=1, status=500)
    assert client.login().status_code == 200
    response = client.get("/sites")
    assert response.status_code == 500
    assert response.json()["error"]["httpCode"] == 500
    assert "Retry-After" not in response.headers


def test_match_method_and_path(simulator, client):
    simulator.faults(fail_next=1, status=502, match={"method": "POST", "path": "userDefinedEvents"})
    assert client.get("/userDefinedEvents").status_code == 200
    assert client.post("/cameras", json={}).status_code == 400  # POST, other path: not matched
    assert client.post("/userDefinedEvents", json={"name": "a"}).status_code == 502
    assert client.post("/userDefinedEvents", json={"name": "a"}).status_code == 201


def test_match_task_steps(simulator_factory, sim_client):
    sim = simulator_factory("--task-seconds", "0")
    client = sim_client(sim)
    camera = next(camera for camera in client.get("/cameras").json()["array"] if camera["ptzEnabled"])
    preset = client.get(f"/cameras/{camera['id']}/ptzPresets").json()["array"][0]
    body = {"itemSelection": f"PtzPreset[{preset['id'].upper()}]"}
    # Substring containing regex metacharacters ("?") matches literally.
    sim.faults(fail_next=1, status=504, match={"path": "ptzPresets?task=DefaultPtzPreset"})
    sim.faults(fail_next=1, status=503, match={"method": "POST", "path": r"/tasks/\d+\?task=TaskCleanup"})
    assert len(sim.faults()["rules"]) == 2
    assert client.post(f"/cameras/{camera['id']}/ptzPresets?task=DefaultPtzPreset", json=body).status_code == 504
    invoked = client.post(f"/cameras/{camera['id']}/ptzPresets?task=DefaultPtzPreset", json=body)
    task_id = invoked.json()["result"]["path"]["id"]
    assert client.get(f"/tasks/{task_id}").status_code == 200
    assert client.post(f"/tasks/{task_id}?task=TaskCleanup").status_code == 503
    assert client.post(f"/tasks/{task_id}?task=TaskCleanup").status_code == 200


def test_fault_on_login(simulator, client):
    simulator.faults(fail_next=1, status=503, retry_after=1, match={"path": "connect/token"})
    failed = client.login()
    assert failed.status_code == 503
    assert failed.headers["Retry-After"] == "1"
    assert client.login().status_code == 200
    assert simulator.stats()["token_grants"] == 1
    assert [entry["status"] for entry in simulator.requests_log(kind="idp")] == [503, 200]


def test_reset_next(simulator, client):
    assert client.login().status_code == 200
    simulator.faults(reset_next=1)
    with pytest.raises(requests.ConnectionError):
        client.get("/cameras")
    assert client.get("/cameras").status_code == 200
    assert [entry["status"] for entry in simulator.requests_log(kind="rest")] == [0, 200]


def test_reset_next_on_login(simulator, client):
    simulator.faults(reset_next=1, match={"method": "POST", "path": "/IDP/connect/token"})
    with pytest.raises(requests.ConnectionError):
        client.login()
    assert client.login().status_code == 200


@pytest.mark.parametrize("fault", [{"fail_next": 1, "status": 503}, {"reset_next": 1}])
def test_after_means_the_write_happened(simulator, client, fault):
    assert client.login().status_code == 200
    simulator.faults(after=True, match={"method": "POST"}, **fault)
    try:
        response = client.post("/userDefinedEvents", json={"name": "lost answer"})
        assert response.status_code == 503
    except requests.ConnectionError:
        assert "reset_next" in fault
    names = [event["name"] for event in client.get("/userDefinedEvents").json()["array"]]
    assert names.count("lost answer") == 1


def _pattern(client, count=60):
    return [client.get("/sites").status_code for _index in range(count)]


def test_fail_rate_storm_is_deterministic(simulator, client):
    assert client.login().status_code == 200
    simulator.faults(fail_rate=0.3, status=503)
    first = _pattern(client)
    assert set(first) == {200, 503}
    assert 0.1 < first.count(503) / len(first) < 0.5
    simulator.faults(clear=True)
    assert _pattern(client, 10) == [200] * 10
    simulator.faults(fail_rate=0.3, status=503)
    assert _pattern(client) == first
    simulator.faults(fail_rate=0)
    assert _pattern(client, 10) == [200] * 10


def test_fail_rate_with_match(simulator, client):
    assert client.login().status_code == 200
    simulator.faults(fail_rate=1.0, status=500, match={"path": "cameras"})
    assert client.get("/sites").status_code == 200
    assert client.get("/cameras").status_code == 500


def test_latency_control_and_concurrency(simulator, client):
    assert client.login().status_code == 200
    simulator.faults(latency_ms=200)
    started = time.monotonic()
    assert client.get("/sites").status_code == 200
    assert time.monotonic() - started >= 0.2
    simulator.reset(stats_only=True)
    headers = {"Authorization": f"Bearer {client.token}"}

    def fetch(_index):
        return requests.get(client.base + "/sites", headers=headers, verify=simulator.ca_file, timeout=10).status_code

    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(fetch, range(8)))
    assert statuses == [200] * 8
    # concurrent, not one after the other: the simulator saw them in flight together (the time is the bench's to judge)
    assert simulator.stats()["max_in_flight"] >= 4
    simulator.faults(latency_ms=None)

    def timed() -> float:
        started = time.monotonic()
        client.get("/sites")
        return time.monotonic() - started

    # the fastest of three, so that a busy machine's pause is not taken for the latency
    assert min(timed(), timed(), timed()) < 0.2


def test_latency_cli_switch(simulator_factory, sim_client):
    client = sim_client(simulator_factory("--latency-ms", "150"))
    started = time.monotonic()
    assert client.login().status_code == 200
    assert client.get("/sites").status_code == 200
    assert time.monotonic() - started >= 0.3


def test_401_fault_has_challenge(simulator, client):
    assert client.login().status_code == 200
    simulator.faults(fail_next=1, status=401)
    response = client.get("/sites")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_clear_and_invalid_faults(simulator):
    simulator.faults(fail_next=3, status=500, fail_rate=0.5, latency_ms=10, task_outcome="hang", task_outcomes={"ABC": "error"})
    state = simulator.faults()
    assert state["task_outcomes"] == {"abc": "error"} and state["task_outcome"] == "hang" and state["latency_ms"] == 10
    cleared = simulator.faults(clear=True)
    assert cleared["rules"] == [] and cleared["fail_rate"] == 0 and cleared["task_outcome"] == "success" and cleared["latency_ms"] is None
    for bad in ({"fail_next": -1}, {"fail_next": 1, "status": 200}, {"fail_rate": 2}, {"task_outcome": "maybe"},
                {"unknown": 1}, {"fail_next": 1, "match": {"verb": "GET"}}, {"task_outcomes": {"x": "boom"}}):
        status, body = simulator.request("POST", "/_simulator/faults", bad)
        assert status == 400, bad
        assert "error" in body
    assert simulator.faults()["rules"] == []
