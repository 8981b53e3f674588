"""Simulator: every type of the OpenAPI document, served from the field tables (simulator/res_generic.py, schema.py).

One class of type at a time (full CRUD, discovered objects with PATCH only, parent-scoped singletons, child collections
and group membership, read-only types), then paging, filters and ``disabled``, ``?definitions``/``?tasks``/``?resources``,
built-in objects, unknown types, ``--missing-types``, the seed of the whole site and the tables' step with the document.
"""

from __future__ import annotations

import re

import pytest

from simulator import schema
from simulator.process import SimulatorError, SimulatorProcess

GUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
DEVICE_TYPES = ("microphones", "speakers", "metadata", "inputEvents", "outputs")
GROUP_TYPES = {"cameraGroups": "cameras", "microphoneGroups": "microphones", "speakerGroups": "speakers",
               "metadataGroups": "metadata", "inputEventGroups": "inputEvents", "outputGroups": "outputs"}


def _array(client, path):
    response = client.get(path)
    assert response.status_code == 200, response.text
    return response.json()["array"]


def _error(response, status=400):
    assert response.status_code == status, response.text
    return response.json()["error"]["details"][0]


def _named(client, path, name):
    return next(item for item in _array(client, path) if item.get("name") == name)


# -- the tables ---------------------------------------------------------------------------------------------

def test_tables_are_in_step_with_the_document():
    """openapi_tables.json is what simulator.schema derives from the committed OpenAPI document."""
    assert schema.main(["--check"]) == 0, "run: python -m simulator.schema"


def test_tables_cover_the_document():
    tables = schema.TABLES
    assert tables.document["paths"] == len(tables.routes) == 252
    assert {"settings", "streams", "storageInformation", "archiveStorageInformation"} == {
        name for name, spec in tables.types.items() if spec.singleton}
    assert tables.fields("timeProfiles")["sunclockSunRise"].minimum == -120
    assert tables.fields("loginProviders")["clientSecret"].write_only
    assert tables.fields("cameras")["hardwareDeviceEvents"].embedded


# -- full CRUD ----------------------------------------------------------------------------------------------

def test_full_crud_type(client):
    created = client.post("/timeProfiles", json={"name": "Office hours", "description": "Weekdays"})
    assert created.status_code == 201, created.text
    profile = created.json()["result"]
    assert GUID_RE.match(profile["id"]) and profile["displayName"] == "Office hours" and profile["description"] == "Weekdays"
    assert profile["relations"] == {"self": {"type": "timeProfiles", "id": profile["id"]}}
    path = f"/timeProfiles/{profile['id']}"
    assert client.get(path).json()["data"] == profile
    assert [item["id"] for item in _array(client, "/timeProfiles?name='Office hours'")] == [profile["id"]]

    patched = client.patch(path, json={"description": "Weekdays 08-18"}).json()["data"]
    assert patched["description"] == "Weekdays 08-18" and patched["sunclockTimeZone"] == profile["sunclockTimeZone"]
    detail = _error(client.put(path, json={"name": "Office"}))
    assert "PUT must include all updatable properties" in detail["errorText"] and detail["property"] == "description"
    renamed = client.put(path, json=dict(patched, name="Office")).json()["data"]  # GET-modify-PUT: read-only fields unchanged
    assert renamed["name"] == renamed["displayName"] == "Office"
    assert client.patch(path, json={"timeProfileType": renamed["timeProfileType"]}).status_code == 200  # unchanged: accepted
    assert _error(client.patch(path, json={"timeProfileType": "Calendar"}))["property"] == "timeProfileType"
    assert _error(client.patch(path, json={"colour": "red"}))["errorText"] == "Bad request: unknown property 'colour'"
    assert _error(client.patch(path, json={"sunclockSunRise": 121}))["errorText"].endswith("out of range (-120..120)")
    assert _error(client.patch(path, json={"sunclockTimeZone": "Mars Standard Time"}))["property"] == "sunclockTimeZone"

    assert client.delete(path).json() == {"state": "Success"}
    assert _error(client.get(path), 404)["errorText"] == "Not Found, the requested id does not exist"


def test_create_needs_a_name_and_takes_the_documents_defaults(client):
    missing = client.post("/mailNotificationProfiles", json={"subject": "x"})
    assert _error(missing)["errorText"] == "Bad request: parameters missing"
    assert missing.json()["params"] == {"name": ""}
    created = client.post("/mailNotificationProfiles", json={"name": "Night desk", "recipients": ["night@example.com"]})
    assert created.status_code == 201
    profile = created.json()["result"]
    assert profile["recipients"] == ["night@example.com"] and profile["frameRate"] == 25 and profile["description"] == ""
    assert _error(client.post("/mailNotificationProfiles", json={"name": "x", "frameRate": "25"}))["property"] == "frameRate"
    # basicUsers.name is read-only in the document, yet it is given at creation
    user = client.post("/basicUsers", json={"name": "night.guard"}).json()["result"]
    assert user["name"] == "night.guard"
    assert _error(client.patch(f"/basicUsers/{user['id']}", json={"name": "renamed"}))["errorText"] == "Bad request: property 'name' is read-only"


def test_create_result_state_switch_applies_to_every_type(simulator_factory, sim_client):
    client = sim_client(simulator_factory("--cameras", "2", "--create-result-state"))
    result = client.post("/genericEvents", json={"name": "Gate"}).json()["result"]
    assert result["state"] == "Success" and result["path"] == {"type": "genericEvents", "id": result["id"]}


def test_a_new_role_comes_with_a_view_group(client):
    client.post("/roles", json={"name": "Night operators"})
    assert "Night operators" in {group["name"] for group in _array(client, "/viewGroups")}


def test_write_only_field_is_never_read_back(client):
    created = client.post("/loginProviders", json={"name": "Corporate IdP", "clientSecret": "S3cret", "enabled": True}).json()["result"]
    assert "clientSecret" not in created and created["clientSecretHasValue"] is True
    path = f"/loginProviders/{created['id']}"
    current = client.get(path).json()["data"]
    assert "clientSecret" not in current
    assert client.put(path, json=current).status_code == 200  # PUT does not need the write-only field
    assert "S3cret" not in client.get(f"{path}?definitions").text


# -- discovered objects: PATCH only ----------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ("hardware",) + DEVICE_TYPES)
def test_discovered_types_are_patched_never_created_or_deleted(client, kind):
    item = _array(client, f"/{kind}")[0]
    path = f"/{kind}/{item['id']}"
    patched = client.patch(path, json={"description": "Checked"}).json()["data"]
    assert patched["description"] == "Checked" and patched["lastModified"] != item["lastModified"]
    assert client.put(path, json=dict(patched, name="Renamed")).json()["data"]["displayName"] == "Renamed"
    assert _error(client.post(f"/{kind}", json={"name": "x"}))["errorText"] == "Bad request: Unknown request"
    assert _error(client.delete(path))["errorText"] == "Bad request: Unknown request"
    assert patched["relations"]["parent"]["type"] == ("recordingServers" if kind == "hardware" else "hardware")


def test_devices_are_the_siblings_of_the_cameras(client):
    cameras = {camera["id"]: camera for camera in _array(client, "/cameras?disabled")}
    hardware = _array(client, "/hardware?disabled")
    assert {camera["relations"]["parent"]["id"] for camera in cameras.values()} == {item["id"] for item in hardware}
    for kind in DEVICE_TYPES:
        devices = _array(client, f"/{kind}?disabled")
        assert devices, kind
        for device in devices:
            siblings = [camera for camera in cameras.values() if camera["relations"]["parent"]["id"] == device["relations"]["parent"]["id"]]
            assert siblings and device["name"].startswith(siblings[0]["name"].removesuffix(" PTZ")), device["name"]
    storages = {}
    for server in _array(client, "/recordingServers"):
        for storage in _array(client, f"/recordingServers/{server['id']}/storages"):
            storages[storage["id"]] = server["id"]
        for item in _array(client, f"/recordingServers/{server['id']}/hardware?disabled"):
            for camera in _array(client, f"/hardware/{item['id']}/cameras?disabled"):
                assert storages[camera["recordingStorage"]["id"]] == server["id"]  # records on its own recording server


def test_deleting_hardware_removes_its_devices(client):
    server = _array(client, "/recordingServers")[0]
    item = next(hw for hw in _array(client, f"/recordingServers/{server['id']}/hardware")
                if _array(client, f"/hardware/{hw['id']}/inputEvents?disabled"))
    cameras = _array(client, f"/hardware/{item['id']}/cameras?disabled")
    inputs = _array(client, f"/hardware/{item['id']}/inputEvents?disabled")
    group = _array(client, "/inputEventGroups")[0]
    assert inputs[0]["id"] in {member["id"] for member in _array(client, f"/inputEventGroups/{group['id']}/inputEvents?disabled")}
    assert client.delete(f"/recordingServers/{server['id']}/hardware/{item['id']}").json() == {"state": "Success"}
    assert _error(client.get(f"/hardware/{item['id']}"), 404)
    assert all(client.get(f"/cameras/{camera['id']}").status_code == 404 for camera in cameras)
    assert client.get(f"/inputEvents/{inputs[0]['id']}").status_code == 404
    assert inputs[0]["id"] not in {member["id"] for member in _array(client, f"/inputEventGroups/{group['id']}/inputEvents?disabled")}
    assert _error(client.delete(f"/recordingServers/{server['id']}/hardware/{item['id']}"), 404)


# -- parent-scoped singletons ------------------------------------------------------------------------------------

def test_settings_and_streams_are_addressed_by_their_device(client):
    camera = _array(client, "/cameras")[0]
    settings = client.get(f"/settings/{camera['id']}").json()["data"]
    assert settings["relations"] == {"parent": {"type": "cameras", "id": camera["id"]}, "self": {"type": "settings", "id": camera["id"]}}
    assert _array(client, f"/cameras/{camera['id']}/settings") == [settings]
    patched = client.patch(f"/settings/{camera['id']}", json={"ptz": {"ptzEnabled": True}}).json()["data"]
    assert patched["ptz"]["ptzEnabled"] is True and patched["ptz"]["ptzProtocol"] == settings["ptz"]["ptzProtocol"]
    assert client.get(f"/settings/{camera['id']}").json()["data"]["ptz"]["ptzEnabled"] is True
    assert _error(client.patch(f"/settings/{camera['id']}", json={"ptz": {"bogus": 1}}))["property"] == "ptz.bogus"
    streams = client.get(f"/streams/{camera['id']}").json()["data"]
    assert len(streams["stream"]) == 1
    changed = client.patch(f"/streams/{camera['id']}", json={"stream": [{"liveMode": "Always"}]}).json()["data"]["stream"][0]
    assert changed["liveMode"] == "Always" and changed["name"] == streams["stream"][0]["name"]  # the rest of the entry stays
    microphone = _array(client, "/microphones")[0]
    assert client.get(f"/settings/{microphone['id']}").json()["data"]["relations"]["parent"]["type"] == "microphones"
    assert _error(client.get(f"/streams/{microphone['id']}"), 404)  # streams belong to cameras only
    assert _error(client.get("/settings/00000000-0000-4000-8000-000000000000"), 404)
    assert _error(client.get("/settings"), 404)["errorText"] == "Unknown resource: settings"
    assert _error(client.delete(f"/settings/{camera['id']}"))["errorText"] == "Bad request: Unknown request"


def test_storage_information_is_addressed_by_its_storage(client):
    server = _array(client, "/recordingServers")[0]
    storage = _array(client, f"/recordingServers/{server['id']}/storages")[0]
    info = client.get(f"/storageInformation/{storage['id']}").json()["data"]
    assert info["relations"]["parent"] == {"type": "storages", "id": storage["id"]}


# -- child collections and membership ------------------------------------------------------------------------------

def test_child_collection_under_its_parent(client):
    server = _array(client, "/recordingServers")[0]
    storages = _array(client, f"/recordingServers/{server['id']}/storages")
    assert {storage["name"] for storage in storages} == {"Local default", "Long retention"}
    created = client.post(f"/recordingServers/{server['id']}/storages", json={"name": "Evidence", "maxSize": 4096})
    assert created.status_code == 201
    storage = created.json()["result"]
    assert storage["relations"]["parent"] == {"type": "recordingServers", "id": server["id"]} and storage["isDefault"] is False
    assert client.patch(f"/storages/{storage['id']}", json={"retainMinutes": 60}).json()["data"]["retainMinutes"] == 60
    camera = _array(client, "/cameras")[0]
    assert client.patch(f"/cameras/{camera['id']}", json={"recordingStorage": {"type": "storages", "id": storage["id"]}}).status_code == 200
    archive = client.post(f"/storages/{storage['id']}/archiveStorages", json={"name": "Evidence archive"}).json()["result"]
    assert _array(client, f"/storages/{storage['id']}/archiveStorages") == [archive]
    assert client.delete(f"/recordingServers/{server['id']}/storages/{storage['id']}").json() == {"state": "Success"}
    assert client.get(f"/archiveStorages/{archive['id']}").status_code == 404
    assert _error(client.post("/recordingServers/00000000-0000-4000-8000-000000000000/storages", json={"name": "x"}), 404)


@pytest.mark.parametrize("group_type, member_type", sorted(GROUP_TYPES.items()))
def test_group_membership(client, group_type, member_type):
    group = client.post(f"/{group_type}", json={"name": "Audit", "description": "Checked devices"}).json()["result"]
    members = f"/{group_type}/{group['id']}/{member_type}"
    assert _array(client, members) == []
    device = _array(client, f"/{member_type}")[0]
    added = client.post(members, json={"type": member_type, "id": device["id"].upper()})
    assert added.status_code == 201 and added.json() == {"state": "Success"}
    assert [item["id"] for item in _array(client, members)] == [device["id"]]
    assert client.get(f"{members}/{device['id']}").json()["data"]["id"] == device["id"]
    assert _error(client.post(members, json={"type": member_type, "id": "00000000-0000-4000-8000-000000000000"}))["property"] == "id"
    assert _error(client.post(members, json={"type": "roles", "id": device["id"]}))["property"] == "type"
    assert client.delete(f"{members}/{device['id']}").json() == {"state": "Success"}
    assert _error(client.get(f"{members}/{device['id']}"), 404)
    assert client.get(f"/{member_type}/{device['id']}").status_code == 200  # removing a member keeps the device
    assert group["id"] in {item["id"] for item in _array(client, f"/{group_type}")}
    assert client.delete(f"/{group_type}/{group['id']}").json() == {"state": "Success"}


def test_nested_groups(client):
    top = _named(client, "/microphoneGroups", "Microphones")
    nested = _array(client, f"/microphoneGroups/{top['id']}/microphoneGroups")
    assert [group["name"] for group in nested] == ["Microphones - outdoor"]
    assert nested[0]["id"] not in {group["id"] for group in _array(client, "/microphoneGroups")}  # the list has top-level groups
    assert client.get(f"/microphoneGroups/{nested[0]['id']}").status_code == 200
    client.delete(f"/microphoneGroups/{top['id']}")
    assert client.get(f"/microphoneGroups/{nested[0]['id']}").status_code == 404
    views = _named(client, "/viewGroups", "Operators")
    assert [group["name"] for group in _array(client, f"/viewGroups/{views['id']}/viewGroups")] == ["Night shift"]
    view = client.post(f"/viewGroups/{views['id']}/views", json={"name": "Entrance 2x2"}).json()["result"]
    assert view["relations"]["parent"] == {"type": "viewGroups", "id": views["id"]}
    assert client.patch(f"/views/{view['id']}", json={"shortcut": "5"}).json()["data"]["shortcut"] == "5"


def test_curated_camera_groups_gain_the_generic_verbs(client):
    group = _array(client, "/cameraGroups")[0]
    renamed = client.patch(f"/cameraGroups/{group['id']}", json={"name": "Lobby cameras"}).json()["data"]
    assert renamed["displayName"] == "Lobby cameras"
    assert client.get(f"/cameraGroups/{group['id']}").json()["data"]["name"] == "Lobby cameras"  # the curated GET sees it
    created = client.post("/cameraGroups", json={"name": "Audit"}).json()["result"]
    assert created["builtIn"] is False and created["id"] in {item["id"] for item in _array(client, "/cameraGroups")}


def test_role_members_by_task(client):
    role = _named(client, "/roles", "Operators")
    members = f"/roles/{role['id']}/users"
    before = _array(client, members)
    assert client.get(f"{members}?tasks&noData").json() == {"tasks": [
        {"id": "AddRoleMember", "displayName": "Add new user or group to role"},
        {"id": "RemoveRoleMember", "displayName": "Remove role member"}]}
    missing = client.post(f"{members}?task=AddRoleMember")
    assert _error(missing)["errorText"] == "Bad request: parameters missing" and missing.json()["params"] == {"sid": ""}
    user = _array(client, "/basicUsers")[0]
    answer = client.post(f"{members}?task=AddRoleMember", json={"sid": user["sid"]})
    assert answer.status_code == 200 and answer.json()["result"] == {"sid": user["sid"], "state": "Success"}
    added = [member for member in _array(client, members) if member["sid"] == user["sid"]]
    assert len(added) == 1 and added[0]["accountName"] == user["name"] and added[0]["identityType"] == "BasicUser"
    selection = f"User[{added[0]['relations']['self']['id'].upper()}]"  # users objects have no id field
    options = client.post(f"{members}?task=RemoveRoleMember&definitions").json()["definitions"]["itemSelection"]["options"]
    assert {"value": selection, "displayName": user["name"]} in options
    assert client.post(f"{members}?task=RemoveRoleMember", json={"itemSelection": selection}).status_code == 200
    assert _array(client, members) == before
    assert _error(client.post(f"{members}?task=RemoveRoleMember", json={"itemSelection": "User[x]"}))["property"] == "itemSelection"
    assert _error(client.post(f"{members}?task=Promote", json={}))["errorText"] == "Bad request: Unknown task 'Promote'"


# -- read-only types -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["servers", "childSites", "eventTypeGroups", "accessControlSystems"])
def test_read_only_types(client, kind):
    item = _array(client, f"/{kind}")[0]
    ident = item.get("id") or item["relations"]["self"]["id"]
    assert client.get(f"/{kind}/{ident}").status_code == 200
    for method in ("PUT", "PATCH", "DELETE"):
        assert _error(client.call(method, f"/{kind}/{ident}", json={}))["errorText"] == "Bad request: Unknown request"
    assert _error(client.post(f"/{kind}", json={"name": "x"}))["errorText"] == "Bad request: Unknown request"


def test_derived_children_are_stable(client):
    camera = _array(client, "/cameras")[0]
    first = _array(client, f"/cameras/{camera['id']}/customProperties")
    assert len(first) == 1 and first[0]["relations"]["parent"] == {"type": "cameras", "id": camera["id"]}
    assert _array(client, f"/cameras/{camera['id']}/customProperties") == first
    ident = first[0]["relations"]["self"]["id"]
    assert client.get(f"/cameras/{camera['id']}/customProperties/{ident}").json()["data"] == first[0]
    assert _array(client, f"/recordingServers/{_array(client, '/recordingServers')[0]['id']}/tasks") == []


# -- paging, filters, disabled ------------------------------------------------------------------------------------------

def test_paging_filters_and_disabled(client):
    everything = _array(client, "/inputEvents?disabled")
    assert len(everything) > 4
    pages = [_array(client, f"/inputEvents?disabled&page={page}&size=3") for page in range(len(everything) // 3 + 2)]
    assert [item for page in pages for item in page] == everything and pages[-1] == []
    lobby = _array(client, "/inputEvents?disabled&name=startsWith:'Lobby'")
    assert lobby == [item for item in everything if item["name"].lower().startswith("lobby")]
    assert _array(client, "/inputEvents?disabled&channel=gt:'2'") == [item for item in everything if item["channel"] > 2]
    assert _error(client.get("/inputEvents?name=Lobby"))["property"] == "name"
    hardware = _array(client, "/hardware?disabled")
    disabled = [item for item in hardware if not item["enabled"]]
    assert disabled, "the seed has disabled hardware"
    assert {item["id"] for item in _array(client, "/hardware")} == {item["id"] for item in hardware if item["enabled"]}
    sources = _array(client, "/genericEventDataSources")
    assert "Legacy intercom" not in {item["name"] for item in sources}
    assert "Legacy intercom" in {item["name"] for item in _array(client, "/genericEventDataSources?disabled")}
    assert len(_array(client, "/roles")) == 4  # roles have no enabled flag: all of them


def test_a_site_without_outputs(simulator_factory, sim_client):
    client = sim_client(simulator_factory("--cameras", "0"))
    assert client.get("/outputs").json() == {"array": []}
    assert client.get("/hardware?disabled").json() == {"array": []}
    assert _array(client, "/recordingServers")  # the servers are there without hardware


# -- definitions, tasks, resources ----------------------------------------------------------------------------------------

def test_definitions(client):
    profile = _named(client, "/timeProfiles", "Business hours")
    definitions = client.get(f"/timeProfiles/{profile['id']}?definitions&noData").json()["definitions"]
    assert definitions["sunclockSunRise"] == {"canSet": True, "valueType": "int", "minValue": -120, "maxValue": 120}
    assert definitions["timeProfileType"]["canSet"] is False and definitions["timeProfileType"]["valueType"] == "enum"
    assert {"value": "Sunclock", "displayName": "Sunclock"} in definitions["timeProfileType"]["options"]
    assert definitions["timeProfileAppointmentRoot"]["valueType"] == "array" and "relations" not in definitions
    event = _array(client, "/genericEvents")[0]
    options = client.get(f"/genericEvents/{event['id']}?definitions").json()["definitions"]["dataSource"]["options"]
    sources = {source["name"]: source["id"] for source in _array(client, "/genericEventDataSources?disabled")}
    assert {option["displayName"]: option["value"] for option in options} == {
        name: f"GenericEventDataSource[{ident.upper()}]" for name, ident in sources.items()}
    assert event["dataSource"] in {option["value"] for option in options}
    camera = _array(client, "/microphones")[0]
    microphone = client.get(f"/microphones/{camera['id']}?definitions&noData").json()["definitions"]
    assert microphone["recordingStorage"]["valueType"] == "path" and microphone["icon"]["maxValue"] == 9


def test_tasks_and_resources(client):
    item = _array(client, "/hardware")[0]
    body = client.get(f"/hardware/{item['id']}?tasks&resources&noData").json()
    assert {"id": "ReadPasswordHardware", "displayName": "Read hardware password"} in body["tasks"]
    assert all(set(task) == {"id", "displayName"} for task in body["tasks"])
    assert [resource["type"] for resource in body["resources"]][:2] == ["cameras", "customProperties"]
    assert {"inputEvents", "microphones", "outputs", "speakers", "metadata"} <= {resource["type"] for resource in body["resources"]}
    assert client.get("/roles?tasks&noData").json()["tasks"][0]["id"] == "CopyRole"
    profile = _array(client, "/mailNotificationProfiles")[0]
    assert client.get(f"/mailNotificationProfiles/{profile['id']}?tasks&resources&noData").json() == {"tasks": [], "resources": []}
    answer = client.post(f"/hardware/{item['id']}?task=ChangePasswordHardware")
    assert _error(answer)["errorText"] == "Bad request: parameters missing" and "password" in answer.json()["params"]
    done = client.post(f"/hardware/{item['id']}?task=ChangePasswordHardware", json={"password": "n3w"})
    assert done.json() == {"result": {"password": "n3w", "state": "Success"}}


# -- built-in objects -------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind, name, text", [
    ("roles", "Administrators", "the built-in Administrators role cannot be deleted"),
    ("timeProfiles", "Always", "the built-in time profile 'Always' cannot be deleted"),
    ("timeProfiles", "Default Dusk/Dawn", "the built-in time profile 'Default Dusk/Dawn' cannot be deleted"),
    ("evidenceLockProfiles", "Default evidence lock profile", "the default evidence lock profile cannot be deleted"),
    ("clientProfiles", "Default client profile", "the default client profile cannot be deleted"),
    ("registeredServices", "Management server", "built-in services cannot be deleted"),
])
def test_built_in_objects_cannot_be_deleted(client, kind, name, text):
    item = _named(client, f"/{kind}", name)
    assert _error(client.delete(f"/{kind}/{item['id']}"))["errorText"] == f"Bad request: {text}"
    assert client.get(f"/{kind}/{item['id']}").status_code == 200


def test_administrators_role_is_the_documents_administrative_type(client):
    roles = {role["name"]: role for role in _array(client, "/roles")}
    assert roles["Administrators"]["roleType"] == "Adminstrative"  # the document's spelling
    assert {role["roleType"] for name, role in roles.items() if name != "Administrators"} == {"UserDefined"}
    created = client.post("/roles", json={"name": "Temporary"}).json()["result"]
    assert created["roleType"] == "UserDefined" and client.delete(f"/roles/{created['id']}").status_code == 200


# -- unknown types, older servers ---------------------------------------------------------------------------------------------

def test_unknown_types_stay_404(client):
    assert _error(client.get("/recordings"), 404)["errorText"] == "Unknown resource: recordings"
    camera = _array(client, "/cameras")[0]
    assert _error(client.get(f"/cameras/{camera['id']}/recordings"), 404)["errorText"] == "Unknown resource: recordings"
    assert _error(client.get("/bookmarks"))["errorText"] == "Bad request: Unknown request"


def test_missing_types(simulator_factory, sim_client):
    sim = simulator_factory("--cameras", "4", "--missing-types", "evidenceLockProfiles,microphones,SETTINGS")
    client = sim_client(sim)
    assert _error(client.get("/evidenceLockProfiles"), 404)["errorText"] == "Unknown resource: evidenceLockProfiles"
    assert _error(client.post("/evidenceLockProfiles", json={"name": "x"}), 404)["errorText"] == "Unknown resource: evidenceLockProfiles"
    item = _array(client, "/hardware")[0]
    assert _error(client.get(f"/hardware/{item['id']}/microphones"), 404)["errorText"] == "Unknown resource: microphones"
    camera = _array(client, "/cameras")[0]
    assert _error(client.get(f"/settings/{camera['id']}"), 404)["errorText"] == "Unknown resource: settings"
    resources = {resource["type"] for resource in client.get(f"/hardware/{item['id']}?resources&noData").json()["resources"]}
    assert "microphones" not in resources and "speakers" in resources
    assert client.get("/timeProfiles").status_code == 200
    assert sim.request("GET", "/_simulator/config")[1]["missing_types"] == ["evidenceLockProfiles", "microphones", "settings"]
    with pytest.raises(SimulatorError, match="evidenceLocks is not a resource type"):
        SimulatorProcess("--missing-types", "evidenceLocks").start()


# -- writes go through the gateway's rules ------------------------------------------------------------------------------------

def test_generic_writes_are_logged_faulted_and_banned_for_operators(simulator_factory, sim_client):
    sim = simulator_factory("--cameras", "2", "--user", "viewer:pw:operator")
    client = sim_client(sim)
    operator = sim_client(sim, "viewer", "pw")
    assert _error(operator.post("/timeProfiles", json={"name": "x"}), 403)
    assert operator.get("/timeProfiles").status_code == 200
    sim.faults(fail_next=1, status=503, match={"method": "PATCH", "path": "/roles/"})
    role = _array(client, "/roles")[1]
    assert client.patch(f"/roles/{role['id']}", json={"description": "x"}).status_code == 503
    assert client.patch(f"/roles/{role['id']}", json={"description": "x"}).status_code == 200
    entries = [entry for entry in sim.requests_log("rest") if entry["method"] == "PATCH"]
    assert [entry["status"] for entry in entries] == [503, 200]
    assert sim.stats()["paths"]["PATCH /api/rest/v1/roles/{id}"] == 2


# -- the seed -----------------------------------------------------------------------------------------------------------------

def _inventory(client):
    kinds = ("recordingServers", "hardware", "roles", "timeProfiles", "basicUsers", "genericEvents", "genericEventDataSources",
             "mailNotificationProfiles", "evidenceLockProfiles", "viewGroups", "alarmDefinitions") + DEVICE_TYPES + tuple(GROUP_TYPES)
    return {kind: sorted((item.get("name", ""), item["id"]) for item in _array(client, f"/{kind}?disabled")) for kind in kinds}


def test_seed_is_a_whole_site(client):
    inventory = _inventory(client)
    assert all(inventory.values()), [kind for kind, items in inventory.items() if not items]
    assert [name for name, _ident in inventory["recordingServers"]] == ["XPRS01", "XPRS02"]
    assert {"Administrators", "Operators"} <= {name for name, _ident in inventory["roles"]}
    assert {"Always", "Default Dusk/Dawn", "Business hours"} <= {name for name, _ident in inventory["timeProfiles"]}
    assert len(_array(client, "/cameras?disabled")) == 40


def test_seed_is_deterministic_per_seed(simulator, client, simulator_factory, sim_client):
    first = _inventory(client)
    simulator.reset()
    client.login()
    assert _inventory(client) == first
    other = _inventory(sim_client(simulator_factory("--seed", "2")))
    del first["alarmDefinitions"], other["alarmDefinitions"]  # the Events and Alarms simulation's definitions have fixed ids
    assert {ident for items in other.values() for _name, ident in items}.isdisjoint({ident for items in first.values() for _name, ident in items})
    assert {kind: [name for name, _ident in items] for kind, items in other.items()}.keys() == first.keys()
