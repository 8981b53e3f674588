"""Simulator: behaviour compared with Milestone's documentation, samples and a real 2025 R1 server
(docs/xprotect-api.md §1, §4, §7), and how it starts when its port is taken."""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import sys

import pytest

from simulator.process import REPO_ROOT as ROOT

GATEWAY_HEADERS = {"Server": "Microsoft-IIS/10.0", "Cache-Control": "no-cache"}
VMS_CLIENT_FORM = {"grant_type": "password", "username": "admin", "password": "admin", "client_id": "VmsClient"}


def _claims(access_token):
    payload = access_token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def _cameras(client):
    return client.get("/cameras?disabled").json()["array"]


# ------------------------------------------------------------------ paths with an encoded line break (§7)

@pytest.mark.parametrize("path, text", [
    ("/cameras/abc%0Adef", "Not Found, the requested id does not exist"),
    ("/cameras/%0A", "Not Found, the requested id does not exist"),
    ("/userDefinedEvents/x%0Ay", "Not Found, the requested id does not exist"),
    ("/cam%0Aeras", "Unknown resource: cam\neras"),
])
def test_a_line_break_in_a_path_segment_gets_the_json_404_envelope(client, path, text):
    response = client.get(path)
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert {key: response.headers.get(key) for key in GATEWAY_HEADERS} == GATEWAY_HEADERS
    assert response.json() == {"error": {"httpCode": 404, "details": [{"errorText": text}]}}


def test_a_line_break_outside_the_api_gets_the_iis_page(simulator, client):
    response = client.get(simulator.url + "/no%0Asuch/page", auth=False)
    assert response.status_code == 404
    assert response.headers["Content-Type"].startswith("text/html") and response.headers["Server"] == "Microsoft-IIS/10.0"


# ------------------------------------------------------------------------- VmsClient and refresh tokens (§1)

def test_vms_client_gets_a_refresh_token_and_can_refresh(simulator, client):
    login = client.session.post(simulator.url + "/IDP/connect/token", data=VMS_CLIENT_FORM)
    assert login.status_code == 200, login.text
    body = login.json()
    assert set(body) == {"access_token", "expires_in", "token_type", "scope", "refresh_token"}
    assert body["expires_in"] == 3600 and body["token_type"] == "Bearer"
    assert _claims(body["access_token"])["client_id"] == "VmsClient"

    refreshed = client.session.post(simulator.url + "/API/IDP/connect/token", data={
        "grant_type": "refresh_token", "refresh_token": body["refresh_token"], "client_id": "VmsClient"})
    assert refreshed.status_code == 200, refreshed.text
    new = refreshed.json()
    assert new["access_token"] != body["access_token"] and new["refresh_token"] != body["refresh_token"]
    claims = _claims(new["access_token"])
    assert claims["name"] == "admin" and claims["client_id"] == "VmsClient"
    sites = client.session.get(client.base + "/sites", headers={"Authorization": f"Bearer {new['access_token']}"})
    assert sites.status_code == 200
    assert simulator.stats()["token_grants"] == 2

    # A refresh token is used up by the refresh; the new one works once more.
    again = client.session.post(simulator.url + "/IDP/connect/token", data={
        "grant_type": "refresh_token", "refresh_token": body["refresh_token"], "client_id": "VmsClient"})
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"
    chained = client.session.post(simulator.url + "/IDP/connect/token", data={
        "grant_type": "refresh_token", "refresh_token": new["refresh_token"], "client_id": "VmsClient"})
    assert chained.status_code == 200


@pytest.mark.parametrize("form, error", [
    ({"grant_type": "refresh_token", "refresh_token": "0123456789ABCDEF", "client_id": "VmsClient"}, "invalid_grant"),
    ({"grant_type": "refresh_token", "client_id": "VmsClient"}, "invalid_request"),
    ({"grant_type": "refresh_token", "refresh_token": "0123456789ABCDEF", "client_id": "GrantValidatorClient"},
     "unsupported_grant_type"),
])
def test_refresh_grant_errors(simulator, client, form, error):
    response = client.session.post(simulator.url + "/IDP/connect/token", data=form)
    assert response.status_code == 400
    assert response.json()["error"] == error
    assert simulator.stats()["token_grants"] == 0


def test_grant_validator_client_still_gets_no_refresh_token(simulator, client):
    body = client.login().json()
    assert "refresh_token" not in body


def test_refresh_tokens_do_not_survive_a_reset(simulator, client):
    body = client.session.post(simulator.url + "/IDP/connect/token", data=VMS_CLIENT_FORM).json()
    simulator.reset()
    response = client.session.post(simulator.url + "/IDP/connect/token", data={
        "grant_type": "refresh_token", "refresh_token": body["refresh_token"], "client_id": "VmsClient"})
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"


def test_refresh_tokens_outlive_expired_access_tokens(simulator, client):
    body = client.session.post(simulator.url + "/IDP/connect/token", data=VMS_CLIENT_FORM).json()
    simulator.faults(expire_tokens=True)
    expired = client.session.get(client.base + "/sites", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert expired.status_code == 401
    response = client.session.post(simulator.url + "/IDP/connect/token", data={
        "grant_type": "refresh_token", "refresh_token": body["refresh_token"], "client_id": "VmsClient"})
    assert response.status_code == 200


# --------------------------------------------------------------------- bookmarks and evidence locks (§7)

@pytest.mark.parametrize("path", ["/bookmarks", "/evidenceLocks", "/BOOKMARKS", "/evidencelocks?page=0&size=10"])
def test_collections_of_other_apis_are_an_unknown_request(client, path):
    response = client.get(path)
    assert response.status_code == 400
    assert response.json() == {"error": {"httpCode": 400, "details": [{"errorText": "Bad request: Unknown request"}]}}


def test_other_unknown_collections_are_still_unknown_resources(client):
    response = client.get("/recordings")
    assert response.status_code == 404
    assert response.json()["error"]["details"][0]["errorText"] == "Unknown resource: recordings"


# ------------------------------------------------------------------------------- ?resources of cameras (§4)

def test_only_ptz_cameras_list_ptz_presets_as_a_resource(client):
    cameras = _cameras(client)
    ptz = next(camera for camera in cameras if camera["ptzEnabled"])
    fixed = next(camera for camera in cameras if not camera["ptzEnabled"])
    assert client.get(f"/cameras/{ptz['id']}?resources").json()["resources"] == [{"type": "ptzPresets", "displayName": "PTZ presets"}]
    body = client.get(f"/cameras/{fixed['id']}?resources").json()
    assert body["resources"] == [] and body["data"]["id"] == fixed["id"]


# -------------------------------------------------------------------------------------- a port in use

def test_a_taken_port_is_one_line_on_stderr_and_exit_status_2():
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        completed = subprocess.run([sys.executable, "-m", "simulator", "--no-tls", "--port", str(port)], cwd=ROOT,
                                   capture_output=True, text=True, timeout=60, check=False,
                                   env={key: value for key, value in os.environ.items() if key != "PYTHONPATH"})
    assert completed.returncode == 2, completed.stderr
    assert completed.stdout == ""
    lines = completed.stderr.splitlines()
    assert len(lines) == 1, completed.stderr
    assert f"127.0.0.1:{port}" in lines[0] and "already in use" in lines[0] and "--port 0" in lines[0]
    assert "Traceback" not in completed.stderr
