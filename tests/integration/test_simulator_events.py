"""Simulator: userDefinedEvents CRUD, System event protection, names, switches (docs/xprotect-api.md §3)."""

from __future__ import annotations

import re
import time

import pytest

SYSTEM = {
    "85867627-b287-4439-9e55-a63701e1715b": "RequestStartRecording",
    "77b1e70d-ba8d-4bb8-9ee8-43b09746d82a": "RequestStopRecording",
    "7605f8b0-7f5f-4432-b223-0bb2dc3f1f5c": "RequestPlayAudio",
}
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$")
GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
EVENT_FIELDS = {"id", "name", "displayName", "subtype", "createdDate", "lastModified", "relations"}


def _error_text(response):
    body = response.json()
    assert set(body) >= {"error"}
    assert body["error"]["httpCode"] == response.status_code
    return body["error"]["details"][0]["errorText"]


def test_seeded_system_events(client):
    response = client.get("/userDefinedEvents")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    events = response.json()["array"]
    assert {event["id"]: event["name"] for event in events} == SYSTEM
    for event in events:
        assert set(event) == EVENT_FIELDS
        assert event["subtype"] == "System"
        assert event["relations"] == {"self": {"type": "userDefinedEvents", "id": event["id"]}}


def test_crud(client):
    created = client.post("/userDefinedEvents", json={"name": "Door forced"})
    assert created.status_code == 201
    event = created.json()["result"]
    assert set(event) == EVENT_FIELDS
    assert GUID.match(event["id"])
    assert event["name"] == event["displayName"] == "Door forced"
    assert event["subtype"] == "UserDefined"
    assert TIMESTAMP.match(event["createdDate"]) and TIMESTAMP.match(event["lastModified"])
    assert event["relations"] == {"self": {"type": "userDefinedEvents", "id": event["id"]}}

    fetched = client.get(f"/userDefinedEvents/{event['id']}")
    assert fetched.status_code == 200
    assert fetched.json() == {"data": event}
    assert client.get(f"/userDefinedEvents/{event['id'].upper()}").json() == {"data": event}

    time.sleep(0.01)
    renamed = client.put(f"/userDefinedEvents/{event['id']}", json={"name": "Door forced open"})
    assert renamed.status_code == 200
    data = renamed.json()["data"]
    assert data["name"] == data["displayName"] == "Door forced open"
    assert data["createdDate"] == event["createdDate"]
    assert data["lastModified"] > event["lastModified"]

    patched = client.patch(f"/userDefinedEvents/{event['id']}", json={"name": "Door held"})
    assert patched.status_code == 200
    assert patched.json()["data"]["name"] == "Door held"
    assert any(item["name"] == "Door held" for item in client.get("/userDefinedEvents").json()["array"])

    deleted = client.delete(f"/userDefinedEvents/{event['id']}")
    assert deleted.status_code == 200
    assert deleted.json() == {"state": "Success"}
    missing = client.get(f"/userDefinedEvents/{event['id']}")
    assert missing.status_code == 404
    assert _error_text(missing) == "Not Found, the requested id does not exist"
    assert client.delete(f"/userDefinedEvents/{event['id']}").status_code == 404
    assert client.put(f"/userDefinedEvents/{event['id']}", json={"name": "x"}).status_code == 404


def test_get_variants(client):
    event_id = next(iter(SYSTEM))
    with_tasks = client.get(f"/userDefinedEvents/{event_id}?tasks").json()
    assert with_tasks["tasks"] == [{"id": "ChangeSecurityPermissions", "displayName": "Edit permissions"}]
    assert "data" in with_tasks
    assert client.get(f"/userDefinedEvents/{event_id}?tasks&noData").json() == {"tasks": with_tasks["tasks"]}
    resources = client.get(f"/userDefinedEvents/{event_id}?resources").json()
    assert resources["resources"] == []
    definitions = client.get(f"/userDefinedEvents/{event_id}?definitions").json()["definitions"]
    assert definitions["name"] == {"canSet": True, "valueType": "string"}
    for field in ("id", "displayName", "subtype", "createdDate", "lastModified"):
        assert definitions[field]["canSet"] is False


def test_change_security_permissions(client):
    event_id = next(iter(SYSTEM))
    ok = client.post(f"/userDefinedEvents/{event_id}?task=ChangeSecurityPermissions",
                     json={"userPath": {"type": "roles", "id": "0c3a2d5e-1f4b-4a6c-8d7e-9f0a1b2c3d4e"}})
    assert ok.status_code == 200
    assert ok.json() == {"result": {"userPath": {"type": "roles", "id": "0c3a2d5e-1f4b-4a6c-8d7e-9f0a1b2c3d4e"}, "state": "Success"}}
    missing = client.post(f"/userDefinedEvents/{event_id}?task=ChangeSecurityPermissions")
    assert missing.status_code == 400
    assert missing.json()["params"] == {"userPath": ""}
    assert client.post(f"/userDefinedEvents/{event_id}?task=Nope", json={}).status_code == 400


@pytest.mark.parametrize("method", ["put", "patch"])
def test_system_events_are_protected(client, method):
    for event_id, name in SYSTEM.items():
        renamed = getattr(client, method)(f"/userDefinedEvents/{event_id}", json={"name": name + " renamed"})
        assert renamed.status_code == 400
        assert "System" in _error_text(renamed)
        deleted = client.delete(f"/userDefinedEvents/{event_id}")
        assert deleted.status_code == 400
        assert "System" in _error_text(deleted)
        # Re-stating the current name is not a rename.
        assert getattr(client, method)(f"/userDefinedEvents/{event_id}", json={"name": name}).status_code == 200
    assert len(client.get("/userDefinedEvents").json()["array"]) == 3


def test_system_events_unprotected(simulator_factory, sim_client):
    client = sim_client(simulator_factory("--no-system-events-protected"))
    event_id = "85867627-b287-4439-9e55-a63701e1715b"
    assert client.patch(f"/userDefinedEvents/{event_id}", json={"name": "Start"}).json()["data"]["name"] == "Start"
    assert client.delete(f"/userDefinedEvents/{event_id}").status_code == 200


@pytest.mark.parametrize("name", ["", "   ", "\t"])
def test_blank_names_rejected(client, name):
    response = client.post("/userDefinedEvents", json={"name": name})
    assert response.status_code == 400
    assert "empty" in _error_text(response)
    assert response.json()["error"]["details"][0]["property"] == "name"


def test_name_length_limit(client, simulator_factory, sim_client):
    assert client.post("/userDefinedEvents", json={"name": "x" * 256}).status_code == 201
    too_long = client.post("/userDefinedEvents", json={"name": "x" * 257})
    assert too_long.status_code == 400
    assert "256" in _error_text(too_long)
    short = sim_client(simulator_factory("--max-name-length", "10"))
    assert short.post("/userDefinedEvents", json={"name": "x" * 10}).status_code == 201
    response = short.post("/userDefinedEvents", json={"name": "x" * 11})
    assert response.status_code == 400
    assert "10" in _error_text(response)


def test_bad_bodies(client):
    assert client.post("/userDefinedEvents", data="{not json", headers={"Content-Type": "application/json"}).status_code == 400
    assert "JSON" in _error_text(client.post("/userDefinedEvents", data="{not json"))
    assert client.post("/userDefinedEvents", json=["a"]).status_code == 400
    assert client.post("/userDefinedEvents", json={"name": 5}).status_code == 400
    missing = client.post("/userDefinedEvents", json={})
    assert missing.status_code == 400
    assert missing.json()["params"] == {"name": ""}
    unknown = client.post("/userDefinedEvents", json={"name": "ok", "colour": "red"})
    assert unknown.status_code == 400
    assert "colour" in _error_text(unknown)
    read_only = client.post("/userDefinedEvents", json={"name": "ok", "subtype": "System"})
    assert read_only.status_code == 400
    assert "read-only" in _error_text(read_only)
    event_id = client.post("/userDefinedEvents", json={"name": "ok"}).json()["result"]["id"]
    assert client.put(f"/userDefinedEvents/{event_id}", json={}).status_code == 400
    assert client.patch(f"/userDefinedEvents/{event_id}").status_code == 400


def test_get_modify_put_with_read_only_fields(client, simulator_factory, sim_client):
    event = client.post("/userDefinedEvents", json={"name": "round trip"}).json()["result"]
    event["name"] = "round trip 2"
    assert client.put(f"/userDefinedEvents/{event['id']}", json=event).status_code == 200
    event["id"] = "00000000-0000-4000-8000-000000000000"
    assert client.put(f"/userDefinedEvents/{client.get('/userDefinedEvents').json()['array'][-1]['id']}", json=event).status_code == 400

    strict = sim_client(simulator_factory("--read-only-fields", "any"))
    created = strict.post("/userDefinedEvents", json={"name": "a"}).json()["result"]
    assert strict.put(f"/userDefinedEvents/{created['id']}", json=dict(created, name="b")).status_code == 400
    assert strict.put(f"/userDefinedEvents/{created['id']}", json={"name": "b"}).status_code == 200


def test_duplicates_allowed_by_default(client):
    first = client.post("/userDefinedEvents", json={"name": "Same"})
    second = client.post("/userDefinedEvents", json={"name": "Same"})
    assert first.status_code == second.status_code == 201
    assert first.json()["result"]["id"] != second.json()["result"]["id"]
    assert len(client.get("/userDefinedEvents?name='Same'").json()["array"]) == 2


def test_unique_event_names_switch(simulator_factory, sim_client):
    client = sim_client(simulator_factory("--unique-event-names"))
    event_id = client.post("/userDefinedEvents", json={"name": "Unique"}).json()["result"]["id"]
    duplicate = client.post("/userDefinedEvents", json={"name": "unique"})
    assert duplicate.status_code == 400
    assert "already exists" in _error_text(duplicate)
    assert client.post("/userDefinedEvents", json={"name": "RequestPlayAudio"}).status_code == 400
    other = client.post("/userDefinedEvents", json={"name": "Other"}).json()["result"]["id"]
    assert client.patch(f"/userDefinedEvents/{other}", json={"name": "Unique"}).status_code == 400
    assert client.patch(f"/userDefinedEvents/{event_id}", json={"name": "Unique"}).status_code == 200


def test_create_result_state_switch(simulator_factory, sim_client):
    client = sim_client(simulator_factory("--create-result-state"))
    result = client.post("/userDefinedEvents", json={"name": "With state"}).json()["result"]
    assert result["state"] == "Success"
    assert result["path"] == {"type": "userDefinedEvents", "id": result["id"]}
    assert result["name"] == "With state"


def test_events_of_the_site(client):
    site = client.get("/sites").json()["array"][0]
    assert len(client.get(f"/sites/{site['id']}/userDefinedEvents").json()["array"]) == 3
    assert client.get("/sites/00000000-0000-4000-8000-000000000000/userDefinedEvents").status_code == 404


def test_event_name_filters(client):
    for name in ("Alpha one", "Alpha two", "Beta"):
        client.post("/userDefinedEvents", json={"name": name})

    def names(query):
        return sorted(event["name"] for event in client.get("/userDefinedEvents?" + query).json()["array"])

    assert names("name='Beta'") == ["Beta"]
    assert names("name='beta'") == ["Beta"]
    assert names("name=startsWith:'Alpha'") == ["Alpha one", "Alpha two"]
    assert names("name=contains:'two'") == ["Alpha two"]
    assert names("name=contains:'Request'&name=notEquals:'RequestPlayAudio'") == ["RequestStartRecording", "RequestStopRecording"]
    assert names("subtype='UserDefined'") == ["Alpha one", "Alpha two", "Beta"]
    assert client.get("/userDefinedEvents?name=Beta").status_code == 400
