"""Simulator: cameras (disabled, paging, filters, PUT/PATCH), camera groups, hardware, sites, routing (docs/xprotect-api.md §2, §4)."""

from __future__ import annotations

import time

import pytest

# The exact field set of the LIVE 2025 R1 camera object (docs/xprotect-api.md §4).
CAMERA_FIELDS = {
    "displayName", "enabled", "id", "name", "channel", "description", "createdDate", "lastModified", "gisPoint", "shortName", "icon",
    "coverageDirection", "coverageDepth", "coverageFieldOfView", "recordingFramerate", "recordKeyframesOnly", "recordOnRelatedDevices",
    "ptzEnabled", "recordingEnabled", "prebufferEnabled", "prebufferInMemory", "prebufferSeconds", "edgeStorageEnabled",
    "edgeStoragePlaybackEnabled", "manualRecordingTimeoutEnabled", "manualRecordingTimeoutMinutes", "recordingStorage", "failoverSetting",
    "relations",
}


def _all(client, query="disabled"):
    return client.get(f"/cameras?{query}").json()["array"]


def test_camera_objects(client):
    cameras = _all(client)
    assert len(cameras) == 40
    for camera in cameras:
        assert set(camera) == CAMERA_FIELDS
        assert camera["displayName"] == camera["name"]
        assert camera["createdDate"] == "0001-01-01T00:00:00.0000000"
        assert camera["relations"]["self"] == {"type": "cameras", "id": camera["id"]}
        assert camera["relations"]["parent"]["type"] == "hardware"
        assert camera["recordingStorage"]["type"] == "storages"
        assert isinstance(camera["ptzEnabled"], bool) and isinstance(camera["enabled"], bool)
    assert len({camera["id"] for camera in cameras}) == 40


def test_seed_is_deterministic(simulator, client, simulator_factory, sim_client):
    first = _all(client)
    simulator.reset()
    client.login()  # a reset also invalidates tokens
    assert _all(client) == first
    other = sim_client(simulator_factory("--cameras", "40", "--seed", "2"))
    assert [camera["id"] for camera in _all(other)] != [camera["id"] for camera in first]


def test_seed_mix(simulator_factory, sim_client):
    client = sim_client(simulator_factory("--cameras", "600"))
    cameras = _all(client)
    ptz = [camera for camera in cameras if camera["ptzEnabled"]]
    disabled = [camera for camera in cameras if not camera["enabled"]]
    assert 0.22 < len(ptz) / len(cameras) < 0.38
    assert 0.01 < len(disabled) / len(cameras) < 0.10
    assert all(camera["name"].endswith(" PTZ") for camera in ptz)
    areas = {camera["name"].split(" 0")[0].split(" North")[0].split(" South")[0].split(" East")[0].split(" West")[0] for camera in cameras}
    assert {"Lobby", "Parking", "Warehouse", "Entrance", "Perimeter"} <= areas
    for camera in ptz[:20]:
        presets = client.get(f"/cameras/{camera['id']}/ptzPresets").json()["array"]
        assert 3 <= len(presets) <= 6
        assert sum(preset["defaultPreset"] for preset in presets) <= 1


def test_disabled_cameras(client):
    everything = _all(client)
    enabled = client.get("/cameras").json()["array"]
    disabled = [camera for camera in everything if not camera["enabled"]]
    assert disabled, "seed 1 with 40 cameras has disabled cameras"
    assert [camera["id"] for camera in enabled] == [camera["id"] for camera in everything if camera["enabled"]]
    assert client.get(f"/cameras/{disabled[0]['id']}").json()["data"]["enabled"] is False
    assert len(client.get("/cameras?disabled=false").json()["array"]) == len(enabled)


def test_paging(client):
    everything = _all(client)
    pages = []
    page = 0
    while True:
        chunk = client.get(f"/cameras?page={page}&size=7&disabled").json()["array"]
        if not chunk:
            break
        assert len(chunk) <= 7
        pages.extend(chunk)
        page += 1
    assert page == 6
    assert pages == everything
    assert client.get("/cameras?page=100&size=10&disabled").json() == {"array": []}
    assert len(client.get("/cameras?size=5&disabled").json()["array"]) == 5
    for bad in ("page=-1&size=5", "page=0&size=x", "page=0&size=0"):
        assert client.get(f"/cameras?{bad}").status_code == 400


def test_name_filters(client):
    everything = _all(client)
    name = everything[3]["name"]
    assert [camera["name"] for camera in client.get(f"/cameras?disabled&name='{name}'").json()["array"]] == [name]
    assert client.get("/cameras?name='no such camera'").json()["array"] == []
    parking = client.get("/cameras?disabled&name=startsWith:'Parking'").json()["array"]
    assert parking and [camera["id"] for camera in parking] == [camera["id"] for camera in everything if camera["name"].startswith("Parking")]
    ptz = client.get("/cameras?disabled&name=contains:'PTZ'").json()["array"]
    assert [camera["id"] for camera in ptz] == [camera["id"] for camera in everything if camera["ptzEnabled"]]
    others = client.get(f"/cameras?disabled&name=notEquals:'{name}'").json()["array"]
    assert len(others) == len(everything) - 1
    assert client.get("/cameras?disabled&ptzEnabled='true'").json()["array"] == ptz
    fast = client.get("/cameras?disabled&recordingFramerate=gt:'12'").json()["array"]
    assert fast and all(camera["recordingFramerate"] > 12 for camera in fast)
    recent = client.get("/cameras?disabled&lastModified=gt:'2025-10-01'").json()["array"]
    assert all(camera["lastModified"] > "2025-10-01" for camera in recent)
    paged = client.get("/cameras?disabled&name=contains:'PTZ'&page=0&size=2").json()["array"]
    assert paged == ptz[:2]


def test_filter_case_switch(simulator_factory, sim_client, client):
    name = _all(client)[0]["name"]
    assert len(client.get(f"/cameras?disabled&name='{name.upper()}'").json()["array"]) == 1
    strict = sim_client(simulator_factory("--filter-case", "sensitive"))
    assert strict.get(f"/cameras?disabled&name='{name.upper()}'").json()["array"] == []
    assert len(strict.get(f"/cameras?disabled&name='{name}'").json()["array"]) == 1


def test_patch_and_put(client):
    camera = _all(client)[0]
    time.sleep(0.01)
    patched = client.patch(f"/cameras/{camera['id']}", json={"description": "Main door", "recordingFramerate": 12.5, "icon": 3,
                                                             "gisPoint": "POINT (12.5 55.6)", "failoverSetting": "LiveOnly"})
    assert patched.status_code == 200
    data = patched.json()["data"]
    assert (data["description"], data["recordingFramerate"], data["icon"], data["gisPoint"], data["failoverSetting"]) == \
        ("Main door", 12.5, 3, "POINT (12.5 55.6)", "LiveOnly")
    assert data["lastModified"] > camera["lastModified"]
    renamed = client.patch(f"/cameras/{camera['id']}", json={"name": "Renamed cam"}).json()["data"]
    assert renamed["displayName"] == "Renamed cam"

    # GET-modify-PUT of the whole object works (read-only values unchanged); PUT needs all writable fields.
    full = client.get(f"/cameras/{camera['id']}").json()["data"]
    full["shortName"] = "RC"
    assert client.put(f"/cameras/{camera['id']}", json=full).json()["data"]["shortName"] == "RC"
    partial = client.put(f"/cameras/{camera['id']}", json={"name": "x"})
    assert partial.status_code == 400
    assert "missing" in partial.json()["error"]["details"][0]["errorText"]


def test_disable_via_patch(client):
    camera = client.get("/cameras").json()["array"][0]
    assert client.patch(f"/cameras/{camera['id']}", json={"enabled": False}).status_code == 200
    assert camera["id"] not in [item["id"] for item in client.get("/cameras").json()["array"]]
    assert camera["id"] in [item["id"] for item in _all(client)]


@pytest.mark.parametrize("body, prop", [
    ({"ptzEnabled": True}, "ptzEnabled"),
    ({"channel": 5}, "channel"),
    ({"id": "00000000-0000-4000-8000-000000000000"}, "id"),
    ({"enabled": "True"}, "enabled"),
    ({"icon": 12}, "icon"),
    ({"icon": "1"}, "icon"),
    ({"failoverSetting": "Sometimes"}, "failoverSetting"),
    ({"gisPoint": "12.5, 55.6"}, "gisPoint"),
    ({"recordingStorage": {"type": "storages", "id": "00000000-0000-4000-8000-000000000000"}}, "recordingStorage"),
    ({"name": ""}, "name"),
    ({"nonsense": 1}, "nonsense"),
])
def test_invalid_camera_updates(client, body, prop):
    camera = _all(client)[0]
    response = client.patch(f"/cameras/{camera['id']}", json=body)
    assert response.status_code == 400
    assert response.json()["error"]["details"][0]["property"] == prop
    assert client.get(f"/cameras/{camera['id']}").json()["data"] == camera


def test_camera_unknowns(client):
    assert client.get("/cameras/00000000-0000-4000-8000-000000000000").status_code == 404
    assert client.patch("/cameras/00000000-0000-4000-8000-000000000000", json={"name": "x"}).status_code == 404
    not_allowed = client.delete(f"/cameras/{_all(client)[0]['id']}")
    assert not_allowed.status_code == 400
    assert not_allowed.json()["error"]["details"][0]["errorText"] == "Bad request: Unknown request"
    assert client.post("/cameras", json={"name": "x"}).status_code == 400


def test_camera_get_variants(client):
    camera = next(camera for camera in _all(client) if camera["ptzEnabled"])  # only PTZ cameras have ptzPresets
    body = client.get(f"/cameras/{camera['id']}?tasks&resources&definitions").json()
    assert body["data"] == camera
    assert {"id": "ChangeSecurityPermissions", "displayName": "Edit permissions"} in body["tasks"]
    assert {"type": "ptzPresets", "displayName": "PTZ presets"} in body["resources"]
    assert body["definitions"]["name"]["canSet"] is True
    assert body["definitions"]["ptzEnabled"]["canSet"] is False
    assert body["definitions"]["failoverSetting"]["valueType"] == "enum"


def test_unknown_resources_and_case_insensitive_paths(simulator, client):
    unknown = client.get("/recordings")
    assert unknown.status_code == 404
    assert unknown.json() == {"error": {"httpCode": 404, "details": [{"errorText": "Unknown resource: recordings"}]}}
    camera = next(camera for camera in _all(client) if camera["ptzEnabled"])
    assert client.get(f"/cameras/{camera['id']}/nothing").json()["error"]["details"][0]["errorText"] == "Unknown resource: nothing"
    lower = client.get(simulator.url + f"/API/rest/v1/cameras/{camera['id']}/ptzpresets")
    canonical = client.get(f"/cameras/{camera['id']}/ptzPresets")
    assert lower.status_code == 200 and lower.json() == canonical.json()
    assert client.get(simulator.url + f"/api/REST/V1/CAMERAS/{camera['id'].upper()}").json()["data"]["id"] == camera["id"]
    assert client.get(simulator.url + "/api/rest/v1/userdefinedevents/").status_code == 200
    stats = simulator.stats()["paths"]
    assert stats["GET /api/rest/v1/cameras/{id}/ptzPresets"] == 2
    assert stats["GET /api/rest/v1/userDefinedEvents"] == 1
    assert stats["GET /api/rest/v1/recordings"] == 1
    html = client.get(simulator.url + "/no/such/page", auth=False)
    assert html.status_code == 404 and html.headers["Content-Type"].startswith("text/html")


def test_camera_groups(client):
    groups = client.get("/cameraGroups").json()["array"]
    names = [group["name"] for group in groups]
    assert "PTZ cameras" in names
    assert names == sorted(names)
    everything = {camera["id"]: camera for camera in _all(client)}
    ptz_group = next(group for group in groups if group["name"] == "PTZ cameras")
    members = client.get(f"/cameraGroups/{ptz_group['id']}/cameras?disabled").json()["array"]
    assert {camera["id"] for camera in members} == {ident for ident, camera in everything.items() if camera["ptzEnabled"]}
    assert client.get(f"/cameraGroups/{ptz_group['id']}/cameraGroups").json() == {"array": []}
    for group in groups:
        assert group["relations"] == {"self": {"type": "cameraGroups", "id": group["id"]}}
        assert client.get(f"/cameraGroups/{group['id']}").json()["data"] == group
        if group["name"] == "PTZ cameras":
            continue
        cameras = client.get(f"/cameraGroups/{group['id']}/cameras?disabled").json()["array"]
        assert cameras and all(camera["name"].startswith(group["name"] + " ") for camera in cameras)
        enabled = client.get(f"/cameraGroups/{group['id']}/cameras").json()["array"]
        assert all(camera["enabled"] for camera in enabled)
        for child in client.get(f"/cameraGroups/{group['id']}/cameraGroups").json()["array"]:
            assert child["name"].startswith(group["name"] + " ")
            assert client.get(f"/cameraGroups/{child['id']}").status_code == 200
            sub = client.get(f"/cameraGroups/{child['id']}/cameras?disabled").json()["array"]
            assert sub and {camera["id"] for camera in sub} <= {camera["id"] for camera in cameras}
    assert client.get("/cameraGroups/00000000-0000-4000-8000-000000000000").status_code == 404


def test_hardware_and_sites(client):
    camera = _all(client)[0]
    hardware_id = camera["relations"]["parent"]["id"]
    siblings = client.get(f"/hardware/{hardware_id}/cameras?disabled").json()["array"]
    assert camera["id"] in [item["id"] for item in siblings]
    assert sorted(item["channel"] for item in siblings) == list(range(len(siblings)))
    assert client.get("/hardware/00000000-0000-4000-8000-000000000000/cameras").status_code == 404
    sites = client.get("/sites").json()["array"]
    assert len(sites) == 1
    site = sites[0]
    assert site["version"] == "25.1.1804.0"
    assert client.get(f"/sites/{site['id']}").json()["data"] == site


def test_5000_cameras(simulator_factory, sim_client):
    # (how fast it starts and pages is the bench's to measure, not a test's)
    sim = simulator_factory("--cameras", "5000")
    client = sim_client(sim)
    seen = []
    page = 0
    while True:
        chunk = client.get(f"/cameras?page={page}&size=500&disabled").json()["array"]
        if not chunk:
            break
        seen.extend(camera["id"] for camera in chunk)
        page += 1
    assert len(seen) == len(set(seen)) == 5000
    assert len(client.get("/cameras?disabled").json()["array"]) == 5000
    assert sim.stats()["paths"]["GET /api/rest/v1/cameras"] == 12
