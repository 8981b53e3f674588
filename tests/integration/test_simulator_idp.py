"""Simulator: IDP token grants and errors, token expiry, the 401 envelope, discovery, operator role."""

from __future__ import annotations

import base64
import json
import time

import pytest

FORM = {"grant_type": "password", "username": "admin", "password": "admin", "client_id": "GrantValidatorClient"}
UNAUTHORIZED = {"error": {"httpCode": 401, "details": [{"errorText": "Unauthorized"}]}}


@pytest.mark.parametrize("path", ["/API/IDP/connect/token", "/IDP/connect/token", "/api/idp/CONNECT/token"])
def test_password_grant(simulator, client, path):
    response = client.session.post(simulator.url + path, data=FORM)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    assert set(body) == {"access_token", "expires_in", "token_type", "scope"}
    assert body["expires_in"] == 3600
    assert body["token_type"] == "Bearer"
    assert body["scope"] == "managementserver"
    header, claims, signature = body["access_token"].split(".")
    assert header and signature
    decoded = json.loads(base64.urlsafe_b64decode(claims + "=" * (-len(claims) % 4)))
    assert decoded["exp"] - decoded["iat"] == 3600
    assert decoded["name"] == "admin"
    assert decoded["client_id"] == "GrantValidatorClient"
    assert simulator.stats()["token_grants"] == 1


@pytest.mark.parametrize("overrides, status, expected", [
    ({"password": "wrong"}, 400, {"error": "invalid_grant", "error_description": "invalid_username_or_password", "error_code": "InvalidCredentials"}),
    ({"username": "nobody"}, 400, {"error": "invalid_grant", "error_description": "invalid_username_or_password", "error_code": "InvalidCredentials"}),
    ({"client_id": "SomeOtherClient"}, 400, {"error": "invalid_client"}),
    ({"grant_type": "client_credentials"}, 400, {"error": "unsupported_grant_type"}),
    ({"grant_type": "refresh_token"}, 400, {"error": "unsupported_grant_type"}),
])
def test_grant_errors(simulator, client, overrides, status, expected):
    response = client.session.post(simulator.url + "/IDP/connect/token", data={**FORM, **overrides})
    assert response.status_code == status
    assert response.json() == expected
    assert simulator.stats()["token_grants"] == 0


@pytest.mark.parametrize("missing", ["username", "password", "grant_type"])
def test_missing_parameters_are_invalid_request(simulator, client, missing):
    form = {key: value for key, value in FORM.items() if key != missing}
    response = client.session.post(simulator.url + "/IDP/connect/token", data=form)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def test_token_endpoint_wants_a_form(simulator, client):
    assert client.session.post(simulator.url + "/IDP/connect/token", json=FORM).json()["error"] == "invalid_request"
    assert client.session.get(simulator.url + "/IDP/connect/token").status_code == 405


def test_extra_users_and_invalid_client_status(simulator_factory, sim_client):
    sim = simulator_factory("--user", "ops:s3cr:et:operator", "--user", "bob:pw", "--invalid-client-status", "401")
    assert sim_client(sim, "ops", "s3cr:et").login().status_code == 200
    assert sim_client(sim, "bob", "pw").login().status_code == 200
    assert sim_client(sim, "admin", "admin").login().status_code == 200
    assert sim_client(sim, "bob", "pw").login(client_id="x").status_code == 401


def test_no_gateway_idp_forces_fallback(simulator_factory, sim_client):
    sim = simulator_factory("--no-gateway-idp")
    client = sim_client(sim)
    response = client.login("/API/IDP/connect/token")
    assert response.status_code == 404
    assert response.headers["Content-Type"].startswith("text/html")
    assert client.login("/IDP/connect/token").status_code == 200
    assert client.get("/sites").status_code == 200


@pytest.mark.parametrize("header", [None, "Bearer not-a-token", "Bearer ", "Basic YWRtaW46YWRtaW4="])
def test_missing_or_bad_bearer_is_401(client, header):
    headers = {"Authorization": header} if header else {}
    response = client.get("/userDefinedEvents", auth=False, headers=headers)
    assert response.status_code == 401
    assert response.json() == UNAUTHORIZED
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_tampered_token_is_401(client):
    assert client.login().status_code == 200
    header, claims, signature = client.token.split(".")
    decoded = json.loads(base64.urlsafe_b64decode(claims + "=" * (-len(claims) % 4)))
    decoded["name"] = "someone-else"
    forged = base64.urlsafe_b64encode(json.dumps(decoded).encode()).rstrip(b"=").decode()
    response = client.get("/sites", headers={"Authorization": f"Bearer {header}.{forged}.{signature}"})
    assert response.status_code == 401


def test_unauthorized_body_empty(simulator_factory, sim_client):
    sim = simulator_factory("--unauthorized-body", "empty")
    response = sim_client(sim).get("/cameras", auth=False)
    assert response.status_code == 401
    assert response.content == b""
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_token_ttl_expiry(simulator_factory, sim_client):
    sim = simulator_factory("--token-ttl", "1")
    client = sim_client(sim)
    login = client.login()
    assert login.json()["expires_in"] == 1
    assert client.get("/sites").status_code == 200
    time.sleep(1.1)
    expired = client.get("/sites")
    assert expired.status_code == 401
    assert expired.json() == UNAUTHORIZED
    assert client.login().status_code == 200
    assert client.get("/sites").status_code == 200


def test_expire_tokens_fault(simulator, client):
    assert client.get("/sites").status_code == 200
    old = client.token
    simulator.faults(expire_tokens=True)
    assert client.get("/sites").status_code == 401
    assert client.login().status_code == 200
    assert client.token != old
    assert client.get("/sites").status_code == 200


def test_reset_invalidates_tokens(simulator, client):
    assert client.get("/sites").status_code == 200
    simulator.reset()
    assert client.get("/sites").status_code == 401


def test_discovery(simulator, client):
    response = client.session.get(simulator.url + "/api/.well-known/uris")
    assert response.status_code == 200
    host = simulator.url.split("://")[1].rsplit(":", 1)[0]
    assert response.json() == {
        "ProductVersion": "25.1.1804.0",
        "UnsecureManagementServer": f"http://{host}/",
        "SecureManagementServer": f"https://{host}/",
        "IdentityProvider": simulator.url + "/IDP",
        "ApiGateways": [simulator.url + "/API/"],
    }
    config = client.session.get(response.json()["IdentityProvider"] + "/.well-known/openid-configuration").json()
    assert config["issuer"] == simulator.url + "/IDP"
    assert config["token_endpoint"] == simulator.url + "/IDP/connect/token"
    # The advertised token endpoint works, and the REST root is gateway + "rest/v1".
    token = client.session.post(config["token_endpoint"], data=FORM).json()["access_token"]
    sites = client.session.get(response.json()["ApiGateways"][0] + "rest/v1/sites", headers={"Authorization": f"Bearer {token}"})
    assert sites.status_code == 200


def test_discovery_overrides(simulator_factory, sim_client):
    sim = simulator_factory("--idp-url", "https://ms.example.com/IDP", "--gateway-url", "https://gw1.example.com/API/",
                            "--gateway-url", "https://gw2.example.com/API", "--product-version", "23.2.0.1")
    client = sim_client(sim)
    body = client.session.get(sim.url + "/API/.well-known/URIS").json()
    assert body["IdentityProvider"] == "https://ms.example.com/IDP"
    assert body["ApiGateways"] == ["https://gw1.example.com/API/", "https://gw2.example.com/API/"]
    assert body["ProductVersion"] == "23.2.0.1"
    config = client.session.get(sim.url + "/IDP/.well-known/openid-configuration").json()
    assert config["token_endpoint"] == "https://ms.example.com/IDP/connect/token"


def test_operator_role_cannot_write(simulator_factory, sim_client):
    sim = simulator_factory("--user", "viewer:pw:operator", "--task-seconds", "0")
    operator = sim_client(sim, "viewer", "pw")
    admin = sim_client(sim)
    assert operator.get("/userDefinedEvents").status_code == 200
    event_id = admin.post("/userDefinedEvents", json={"name": "admin made"}).json()["result"]["id"]
    camera = next(cam for cam in operator.get("/cameras").json()["array"] if cam["ptzEnabled"])
    preset = operator.get(f"/cameras/{camera['id']}/ptzPresets").json()["array"][0]
    task_path = admin.post(f"/cameras/{camera['id']}/ptzPresets?task=GetDevicePresets", json={"sessionDataId": 0}).json()["result"]["path"]
    forbidden = [
        operator.post("/userDefinedEvents", json={"name": "x"}),
        operator.put(f"/userDefinedEvents/{event_id}", json={"name": "y"}),
        operator.patch(f"/userDefinedEvents/{event_id}", json={"name": "y"}),
        operator.delete(f"/userDefinedEvents/{event_id}"),
        operator.patch(f"/cameras/{camera['id']}", json={"description": "x"}),
        operator.post(f"/cameras/{camera['id']}/ptzPresets?task=DefaultPtzPreset", json={"itemSelection": f"PtzPreset[{preset['id'].upper()}]"}),
        operator.post(f"/tasks/{task_path['id']}?task=TaskCleanup"),
    ]
    for response in forbidden:
        assert response.status_code == 403
        assert response.json() == {"error": {"httpCode": 403, "details": [{"errorText": "Forbidden, you are not authorized to access this object"}]}}
    assert operator.get(f"/userDefinedEvents/{event_id}").json()["data"]["name"] == "admin made"
    assert operator.get(f"/tasks/{task_path['id']}").status_code == 200


def test_token_survives_restart(simulator_factory, sim_client):
    sim = simulator_factory()
    client = sim_client(sim)
    assert client.get("/sites").status_code == 200
    port = sim.port
    sim.restart()
    assert sim.port == port
    assert client.get("/sites").status_code == 200
