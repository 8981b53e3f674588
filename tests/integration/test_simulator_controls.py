"""Simulator: stats, request log (no secrets), reset, TLS, --no-tls, shutdown, restart, SimulatorProcess."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys

import pytest
import requests
import urllib3

from simulator.process import REPO_ROOT, SimulatorError, SimulatorProcess

SECRET = "Sup3r-S3cret-pw"


def test_stats(simulator, client):
    assert client.login().status_code == 200
    client.get("/userDefinedEvents")
    client.get("/userDefinedEvents")
    camera = next(camera for camera in client.get("/cameras").json()["array"] if camera["ptzEnabled"])
    client.get(f"/cameras/{camera['id']}/ptzPresets")
    client.get(f"/cameras/{camera['id'].upper()}/PTZPRESETS?tasks&noData")
    event_id = client.post("/userDefinedEvents", json={"name": "s"}).json()["result"]["id"]
    client.put(f"/userDefinedEvents/{event_id}", json={"name": "t"})
    client.patch(f"/userDefinedEvents/{event_id}", json={"name": "u"})
    client.delete(f"/userDefinedEvents/{event_id}")
    client.post(f"/cameras/{camera['id']}/ptzPresets?task=GetDevicePresets", json={"sessionDataId": 0})
    simulator.stats()  # control requests are not counted
    stats = simulator.stats()
    assert stats["token_grants"] == 1
    assert stats["requests"] == {"GET": 5, "POST": 2, "PUT": 1, "PATCH": 1, "DELETE": 1}
    assert stats["paths"] == {
        "GET /api/rest/v1/userDefinedEvents": 2,
        "GET /api/rest/v1/cameras": 1,
        "GET /api/rest/v1/cameras/{id}/ptzPresets": 2,
        "POST /api/rest/v1/userDefinedEvents": 1,
        "PUT /api/rest/v1/userDefinedEvents/{id}": 1,
        "PATCH /api/rest/v1/userDefinedEvents/{id}": 1,
        "DELETE /api/rest/v1/userDefinedEvents/{id}": 1,
        "POST /api/rest/v1/cameras/{id}/ptzPresets": 1,
    }
    assert stats["open_tasks"] == 1
    assert stats["max_in_flight"] == 1


def test_request_log_never_holds_secrets(simulator_factory, sim_client):
    sim = simulator_factory("--user", f"auditor:{SECRET}")
    client = sim_client(sim, "auditor", SECRET)
    assert client.login().status_code == 200
    assert client.login("/IDP/connect/token").status_code == 200
    client.get("/cameras?disabled&name=startsWith:'Lobby'")
    client.get("/sites", auth=False, headers={"Authorization": f"Bearer {client.token}"})
    client.session.get(sim.url + f"/api/rest/v1/sites?access_token={client.token}&password={SECRET}")
    sim_client(sim, "auditor", "wrong").login()
    log = sim.requests_log()
    assert [entry["kind"] for entry in log] == ["idp", "idp", "rest", "rest", "rest", "idp"]
    assert log[0] == {"kind": "idp", "method": "POST", "path": "/API/IDP/connect/token", "query": "", "status": 200, "time": log[0]["time"]}
    assert log[2]["query"] == "disabled&name=startsWith:'Lobby'"
    assert log[4]["status"] == 401
    assert log[5]["status"] == 400
    everything = json.dumps(log) + json.dumps(sim.stats()) + json.dumps(sim.faults()) + json.dumps(sim.request("GET", "/_simulator/config")[1])
    assert SECRET not in everything
    assert client.token not in everything
    assert client.token.split(".")[2] not in everything
    assert "Bearer" not in everything


def test_reset(simulator, client):
    assert client.login().status_code == 200
    event_id = client.post("/userDefinedEvents", json={"name": "temp"}).json()["result"]["id"]
    camera = client.get("/cameras").json()["array"][0]
    client.patch(f"/cameras/{camera['id']}", json={"description": "changed"})
    simulator.faults(latency_ms=5, task_outcome="error")
    simulator.reset(stats_only=True)
    assert simulator.stats()["requests"]["POST"] == 0
    assert simulator.requests_log() == []
    assert client.get(f"/userDefinedEvents/{event_id}").status_code == 200
    assert simulator.faults()["task_outcome"] == "error"
    simulator.reset()
    assert client.get("/sites").status_code == 401
    assert client.login().status_code == 200
    assert client.get(f"/userDefinedEvents/{event_id}").status_code == 404
    assert client.get(f"/cameras/{camera['id']}").json()["data"] == camera
    assert simulator.faults()["task_outcome"] == "success"
    assert simulator.stats()["token_grants"] == 1


def test_tls_verification(simulator):
    with open(simulator.ca_file, encoding="ascii") as stream:
        assert stream.read().startswith("-----BEGIN CERTIFICATE-----")
    assert requests.get(simulator.url + "/api/.well-known/uris", verify=simulator.ca_file, timeout=10).status_code == 200
    localhost = simulator.url.replace("127.0.0.1", "localhost")
    assert requests.get(localhost + "/api/.well-known/uris", verify=simulator.ca_file, timeout=10).status_code == 200
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(simulator.url + "/api/.well-known/uris", timeout=10)
    with pytest.warns(urllib3.exceptions.InsecureRequestWarning):
        assert requests.get(simulator.url + "/api/.well-known/uris", verify=False, timeout=10).status_code == 200  # nosec - the point of the test


def _ipv6_loopback_available():
    try:
        with socket.create_server(("::1", 0), family=socket.AF_INET6):
            return True
    except OSError:
        return False


def test_ipv6_loopback(simulator_factory):
    if not _ipv6_loopback_available():
        # Without IPv6 the simulator must fail loudly, not hang.
        with pytest.raises(SimulatorError):
            simulator_factory("--host", "::1")
        return
    sim = simulator_factory("--host", "::1")
    assert sim.url.startswith("https://[::1]:")
    assert requests.get(sim.url + "/api/.well-known/uris", verify=sim.ca_file, timeout=10).status_code == 200


def test_no_tls(simulator_factory, sim_client):
    sim = simulator_factory(tls=False)
    assert sim.url.startswith("http://127.0.0.1:")
    assert sim.ca_file is None
    client = sim_client(sim)
    assert client.login().status_code == 200
    assert client.get("/sites").status_code == 200
    assert requests.get(sim.url + "/api/.well-known/uris", timeout=10).json()["ApiGateways"] == [sim.url + "/API/"]


def test_restart_keeps_port_and_ca(simulator_factory, sim_client):
    sim = simulator_factory()
    client = sim_client(sim)
    url = sim.url
    with open(sim.ca_file, encoding="ascii") as stream:
        ca = stream.read()
    sim.stop(keep_files=True)
    with pytest.raises(requests.ConnectionError):
        requests.get(url + "/api/.well-known/uris", verify=sim.ca_file, timeout=5)
    sim.start()
    assert sim.url == url
    with open(sim.ca_file, encoding="ascii") as stream:
        assert stream.read() == ca
    assert client.get("/sites").status_code == 200
    sim.restart(down_seconds=0.1)
    assert sim.url == url and client.get("/sites").status_code == 200


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_clean_shutdown(signum):
    sim = SimulatorProcess("--cameras", "10")
    sim.start()
    try:
        os.kill(sim.pid, signum)
        proc = sim._proc  # pylint: disable=protected-access
        assert proc.wait(timeout=10) == 0
        assert "Traceback" not in sim.stderr()
    finally:
        sim.stop()


def test_startup_failure_reports_stderr():
    with pytest.raises(SimulatorError) as raised:
        SimulatorProcess("--cameras", "-5").start()
    assert "--cameras must be >= 0" in str(raised.value)


def test_cli_prints_one_line(tmp_path):
    ca_file = tmp_path / "ca.pem"
    with subprocess.Popen([sys.executable, "-m", "simulator", "--port", "0", "--ca-file", str(ca_file), "--cameras", "5"],
                          cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as proc:
        line = proc.stdout.readline()
        assert line.startswith("listening on https://127.0.0.1:")
        assert ca_file.exists()
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=10)
        assert proc.returncode == 0
        assert out == ""
        assert "Traceback" not in err


def test_help_lists_switches():
    result = subprocess.run([sys.executable, "-m", "simulator", "--help"], cwd=REPO_ROOT, capture_output=True, text=True, check=True)
    for switch in ("--no-tls", "--ca-file", "--cameras", "--seed", "--token-ttl", "--task-seconds", "--latency-ms", "--user",
                   "--no-gateway-idp", "--unauthorized-body", "--idp-url", "--gateway-url", "--no-system-events-protected",
                   "--max-name-length", "--unique-event-names", "--item-selection-case", "--default-preset-mode", "--legacy-cleanup-400"):
        assert switch in result.stdout


def test_health_and_config_controls(simulator):
    assert simulator.request("GET", "/_simulator/health") == (200, {"status": "ok"})
    status, config = simulator.request("GET", "/_simulator/config")
    assert status == 200
    assert config["cameras"] == 40 and config["users"] == [{"name": "admin", "role": "administrator"}]
    assert simulator.request("GET", "/_simulator/nothing")[0] == 404
