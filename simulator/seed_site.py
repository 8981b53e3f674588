"""The rest of the simulated site, around the cameras that ``seed.py`` makes: recording servers, storages, hardware and
their other devices, roles, users, time profiles, events, alarms, groups of every kind, views, and one or more objects
of every other type of the OpenAPI document.

Objects of every type are built from the field tables (``schema.py``): each field starts from the document's example
(an empty string, ``false``, ``0`` or ``[]`` where it has none; a ``{"type", "id"}`` reference to the empty GUID where
nothing is referenced), then the seed sets what makes the site realistic.  Everything is drawn from a generator of its
own (``random.Random("site-<seed>")``), after the cameras were drawn, so camera names and ids stay as ``seed.py``
makes them, and another ``--seed`` gives other GUIDs.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime
import hashlib
import random
import uuid
from typing import Any

from .schema import TABLES, FieldSpec
from .store import Store, path_ref
from .util import format_timestamp, guid

ZERO_GUID = "00000000-0000-0000-0000-000000000000"
DATE_FORMAT = "date-time-fraction"
# Names derived children get their ids from (uuid5 of "<parent id>/<type>/<n>").
DERIVED_NAMESPACE = uuid.UUID("6f1d8a52-7c1e-4d0b-9a4e-2f5c3b8e1d70")
BASE_TIME = datetime.datetime(2025, 10, 27, 15, 3, 52, 807000, tzinfo=datetime.timezone.utc)

# Child types the seed fills itself (the generic layer derives the other child-only types per parent, see res_generic).
SEEDED_CHILD_TYPES = frozenset({"hardwareDrivers", "users"})

# Built-in objects: a DELETE answers 400 with this text.  Roles of type "Adminstrative" (the document's spelling) and
# objects with builtIn true are refused as well (res_generic).
BUILTIN_TIME_PROFILES = ("Always", "Default Dusk/Dawn")  # inferred: the names of the Management Client
BUILTIN_EVIDENCE_LOCK_PROFILE = "Default evidence lock profile"  # the document's example
BUILTIN_CLIENT_PROFILE = "Default client profile"

DRIVERS = (("AXIS", "AXIS network cameras and video encoders"), ("Hanwha", "Hanwha Vision cameras"),
           ("Bosch", "Bosch IP cameras"), ("ONVIF", "ONVIF Conformant Device"))
FIXED_MODELS = (("AXIS", "AXIS P3265-LVE Dome Camera"), ("AXIS", "AXIS M3106-L Mk II Network Camera"),
                ("Hanwha", "Hanwha XNV-8080R"), ("Bosch", "Bosch FLEXIDOME IP 5100i"), ("ONVIF", "ONVIF Conformant Device"))
PTZ_MODEL = ("AXIS", "AXIS Q6135-LE PTZ Network Camera")
ENCODER_MODEL = ("AXIS", "AXIS M7104 Video Encoder")
DEVICE_TYPES = ("microphones", "speakers", "metadata", "inputEvents", "outputs")
# Overall security namespaces: the product's ids and names (the OAS value map of ChangeOverallSecurityPermissions, the ids
# MilestonePSTools uses), the type their objects are, and the security actions beyond read, edit and manage security.
SECURITY_NAMESPACES = (
    ("e9914e39-a67a-496c-a3c1-5b4aaab28f15", "Management Server", "", ()),
    ("9710735d-eb10-44ea-888d-fa8ab05a6433", "Recording Servers", "recordingServers", ()),
    ("f97772d8-7b6d-4ea4-b6b5-ee4ea010fa2c", "Hardware", "hardware", ("DRIVER_COMMANDS",)),
    ("623d03f8-c5d5-46bc-a2f4-4c03562d4f85", "Cameras", "cameras", ("VIEW_LIVE", "PLAYBACK", "EXPORT")),
    ("15f48f88-ca89-4926-9a84-2b02864ec77a", "Microphones", "microphones", ("LISTEN_LIVE", "PLAYBACK")),
    ("a95fce90-753d-4cb7-86fb-f8cad9f93b67", "Output", "outputs", ("ACTIVATE",)),
    ("ec543c56-adf7-4600-b9ad-97e166552be9", "View Groups", "viewGroups", ()),
    ("d4ff31cd-d9ac-46df-8e92-5b545d191baf", "User-defined Events", "userDefinedEvents", ("TRIGGER",)),
)


# ================================================================================================== building objects

def default_value(spec: FieldSpec, *, when: str, singleton: bool = False) -> Any:  # pylint: disable=too-many-return-statements
    """A field's value before the seed or a client sets it (see the module docstring)."""
    example = spec.example
    if spec.ref is not None:
        return path_ref(spec.ref, ZERO_GUID)
    if spec.type == "string":
        if spec.format == DATE_FORMAT:
            return when
        if spec.name == "description":  # the document's examples read "<Type> may have a long description"
            return ""
        if isinstance(example, str) and (not spec.enum or example in spec.enum):
            return example
        return spec.enum[0] if spec.enum else ""
    if spec.type == "boolean":
        return example if isinstance(example, bool) else False
    if spec.type in ("integer", "number"):
        value = example if isinstance(example, (int, float)) and not isinstance(example, bool) else 0
        if spec.minimum is not None and value < spec.minimum:
            value = spec.minimum
        if spec.maximum is not None and value > spec.maximum:
            value = spec.maximum
        return int(value) if spec.type == "integer" else value
    if spec.type == "array":
        # A singleton (settings, streams) has one entry in each of its arrays of objects: one stream, one general block.
        if singleton and spec.items is not None and spec.items.schema:
            return [build_nested(spec.items.schema, when)]
        return []
    if spec.schema:
        return build_nested(spec.schema, when)
    return {}


def build_nested(schema_name: str, when: str) -> dict[str, Any]:
    """A nested object (``ptz_childItem``, a ``stream`` entry) from its schema's examples."""
    return {name: default_value(spec, when=when) for name, spec in TABLES.schemas[schema_name].fields.items()
            if not spec.embedded and not spec.write_only}


@dataclasses.dataclass(frozen=True)
class _Plan:
    """How ``new_object`` builds an object of one type (computed once per type)."""

    # (field, default, how: 0 as is, 1 the timestamp, 2 dict(), 3 deep copy, 4 the id as an integer, 5 upper case, 6 as is)
    defaults: tuple[tuple[str, Any, int], ...]
    naming: str | None
    display: bool
    parent: bool
    relations: bool


def _plan(type_name: str) -> _Plan:
    plan = _PLANS.get(type_name)
    if plan is None:
        fields = TABLES.fields(type_name)
        spec = TABLES.types[type_name]
        defaults = []
        for name, field in fields.items():
            if field.embedded or field.write_only or name == "relations":
                continue
            value = default_value(field, when="", singleton=spec.singleton)
            if name in ("id", "Id"):
                how = 4 if field.type == "integer" else (5 if name == "Id" else 6)
            elif field.format == DATE_FORMAT and field.type == "string":
                how = 1
            elif isinstance(value, dict) and all(not isinstance(item, (dict, list)) for item in value.values()):
                how = 2
            elif isinstance(value, (dict, list)):
                how = 3
            else:
                how = 0
            defaults.append((name, value, how))
        plan = _Plan(tuple(defaults), identity_field(type_name), "displayName" in fields, spec.parent is not None,
                     "relations" in fields or not fields)
        _PLANS[type_name] = plan
    return plan


_PLANS: dict[str, _Plan] = {}


def identity_field(type_name: str) -> str | None:
    """The naming field of a type (``name``; ``Name`` for mipItems), if it has one."""
    fields = TABLES.fields(type_name)
    return next((name for name in ("name", "Name") if name in fields), None)


def new_object(type_name: str, ident: str, *, when: str, name: str | None = None, parent: tuple[str, str] | None = None,
               values: dict[str, Any] | None = None) -> dict[str, Any]:
    """An object of ``type_name`` with id ``ident``: defaults, then ``name`` (also the display name), then ``values``."""
    plan = _plan(type_name)
    obj: dict[str, Any] = {}
    for key, value, how in plan.defaults:
        if how == 1:
            value = when
        elif how == 2:
            value = dict(value)
        elif how == 3:
            value = copy.deepcopy(value)
        elif how >= 4:
            value = int(ident) if how == 4 else (ident.upper() if how == 5 else ident)
        obj[key] = value
    if name is not None:
        if plan.naming:
            obj[plan.naming] = name
        if plan.display:
            obj["displayName"] = name
    if values:
        obj.update(values)
    if plan.relations:
        if parent is not None and plan.parent:
            obj["relations"] = {"parent": {"type": parent[0], "id": parent[1]}, "self": {"type": type_name, "id": ident}}
        else:
            obj["relations"] = {"self": {"type": type_name, "id": ident}}
    return obj


def seeded_password(hardware_id: str) -> str:
    """The password a seeded hardware (and its device) has: derived from its id, so the generator is not drawn from."""
    return "Xp-" + hashlib.sha256(f"hardware-password/{hardware_id}".encode()).hexdigest()[:10]


def derived_id(parent_id: str, type_name: str, number: int = 1) -> str:
    """Id of the ``number``-th derived ``type_name`` child of ``parent_id`` (the same for the same parent)."""
    return str(uuid.uuid5(DERIVED_NAMESPACE, f"{parent_id}/{type_name}/{number}"))


# ======================================================================================================= the seed

class _Seeder:  # pylint: disable=too-many-instance-attributes
    """Fills one store."""

    def __init__(self, store: Store, seed: int) -> None:
        self.store = store
        self.rng = random.Random(f"site-{seed}")
        self.objects = store.objects

    def when(self, max_days: int = 120) -> str:
        return format_timestamp(BASE_TIME - datetime.timedelta(milliseconds=self.rng.randrange(max_days * 86_400_000)))

    def add(self, type_name: str, name: str | None = None, *, ident: str | None = None, parent: tuple[str, str] | None = None,
            top: bool = True, when: str | None = None, **values: Any) -> dict[str, Any]:
        """Create and store one object."""
        ident = ident or guid(self.rng)
        obj = new_object(type_name, ident, when=when or self.when(), name=name, parent=parent, values=values)
        self.objects.setdefault(type_name, {})[ident] = obj
        if top and type_name in self.store.top:
            self.store.top[type_name].append(ident)
        return obj

    def builtin(self, obj: dict[str, Any], text: str) -> None:
        self.store.builtin[obj.get("id") or obj["relations"]["self"]["id"]] = text

    # ------------------------------------------------------------------------------------------------ servers

    def run(self) -> None:
        store = self.store
        self.objects["cameras"] = store.cameras
        self.objects["userDefinedEvents"] = store.events
        self.objects["sites"] = {store.site_id: store.site}
        self.objects["cameraGroups"] = store.groups
        store.members = store.group_cameras
        store.subgroups = store.group_children
        store.top = {name: [] for name in TABLES.types if any(r.path == f"{name}/{{id}}/{name}" for r in TABLES.routes)}
        store.top["cameraGroups"] = store.top_groups
        for name in TABLES.types:
            if name not in ("effectivePermissions", "tasks"):
                self.objects.setdefault(name, {})
        servers = self.recording_servers()
        self.hardware(servers)
        self.device_groups()
        self.security()
        self.rules_and_events()
        self.views()
        self.everything_else()

    def recording_servers(self) -> list[dict[str, Any]]:
        version = self.store.site.get("version", "")
        servers = []
        for number in (1, 2):
            host = f"xprs{number:02d}.example.local"
            server = self.add("recordingServers", f"XPRS{number:02d}", hostName=host, webServerUri=f"https://{host}:7563/",
                              activeWebServerUri="", portNumber=7563, version=version, description=f"Recording server {number}",
                              timeZoneName=self.store.site.get("timeZone", "Romance Standard Time"), publicWebserverHostName="")
            ref = ("recordingServers", server["id"])
            known = self.store.storages if number == 1 else [{"id": guid(self.rng)}, {"id": guid(self.rng)}]
            default = self.add("storages", "Local default", ident=known[0]["id"], parent=ref, isDefault=True, diskPath="C:\\MediaDatabase",
                               maxSize=500000, retainMinutes=10080, encryptionMethod="None", signing=False, description="")
            retention = self.add("storages", "Long retention", ident=known[1]["id"], parent=ref, isDefault=False,
                                 diskPath="D:\\MediaDatabase", maxSize=2000000, retainMinutes=43200, encryptionMethod="None",
                                 signing=True, description="30 days")
            self.add("archiveStorages", "Archive", parent=("storages", retention["id"]), diskPath="E:\\Archive", maxSize=8000000,
                     retainMinutes=525600, mounted=True, description="One year")
            drivers = {}
            for number_in_list, (group, driver_name) in enumerate(DRIVERS, start=1):
                drivers[group] = self.add("hardwareDrivers", driver_name, parent=ref, groupName=group, number=number_in_list * 10,
                                          driverType="DevicePack", useCount=0)
            servers.append({"server": server, "storages": (default, retention), "drivers": drivers})
        return servers

    def hardware(self, servers: list[dict[str, Any]]) -> None:  # pylint: disable=too-many-locals
        store = self.store
        legacy = [storage["id"] for storage in store.storages]
        for index, (hardware_id, camera_ids) in enumerate(store.hardware_cameras.items()):
            where = servers[index % len(servers)]
            cameras = [store.cameras[ident] for ident in camera_ids]
            first = cameras[0]
            if first["ptzEnabled"]:
                group, model = PTZ_MODEL
            elif len(cameras) > 1:
                group, model = ENCODER_MODEL
            else:
                group, model = FIXED_MODELS[self.rng.randrange(len(FIXED_MODELS))]
            address = f"10.{index % len(servers) + 1}.{index // 250}.{index % 250 + 10}"
            driver = where["drivers"][group]
            driver["useCount"] += 1
            self.add("hardware", f"{model} ({address})", ident=hardware_id, parent=("recordingServers", where["server"]["id"]),
                     address=f"http://{address}/", model=model, userName="root", description="",
                     enabled=any(camera["enabled"] for camera in cameras), hardwareDriverPath=path_ref("hardwareDrivers", driver["id"]))
            store.secrets[hardware_id] = {"password": seeded_password(hardware_id)}  # ReadPasswordHardware reads it
            for camera in cameras:  # record on the hardware's own recording server
                slot = legacy.index(camera["recordingStorage"]["id"]) if camera["recordingStorage"]["id"] in legacy else 0
                camera["recordingStorage"] = path_ref("storages", where["storages"][slot]["id"])
            self.devices(hardware_id, first, encoder=len(cameras) > 1)

    def devices(self, hardware_id: str, camera: dict[str, Any], *, encoder: bool) -> None:
        """The camera's siblings on the same hardware: microphone, speaker, metadata, inputs and outputs."""
        rng = self.rng
        base = camera["name"].removesuffix(" PTZ")
        storage = camera["recordingStorage"]
        parent = ("hardware", hardware_id)
        plan = {
            "microphones": 1 if rng.random() < 0.5 else 0,
            "speakers": 1 if rng.random() < 0.25 else 0,
            "metadata": 1 if rng.random() < 0.3 else 0,
            "inputEvents": 4 if encoder else (1 if rng.random() < 0.4 else 0),
            "outputs": 2 if encoder else (1 if rng.random() < 0.3 else 0),
        }
        labels = {"microphones": "Microphone", "speakers": "Speaker", "metadata": "Metadata", "inputEvents": "Input", "outputs": "Output"}
        for type_name, count in plan.items():
            for channel in range(count):
                name = f"{base} {labels[type_name]}" + (f" {channel + 1}" if type_name in ("inputEvents", "outputs") else "")
                values: dict[str, Any] = {"channel": channel, "enabled": rng.random() >= 0.05, "description": "", "shortName": "",
                                          "gisPoint": camera["gisPoint"], "createdDate": camera["createdDate"]}
                if "recordingStorage" in TABLES.fields(type_name):
                    values["recordingStorage"] = dict(storage)
                self.add(type_name, name, parent=parent, when=camera["lastModified"], **values)

    # ----------------------------------------------------------------------------------------------- groups

    def device_groups(self) -> None:
        """One top-level group per device type with every device, a subgroup, and a few topical groups."""
        titles = {"microphones": ("microphoneGroups", "Microphones", "All microphones"),
                  "speakers": ("speakerGroups", "Speakers", "Public address speakers"),
                  "metadata": ("metadataGroups", "Metadata", "Analytics metadata"),
                  "inputEvents": ("inputEventGroups", "Inputs", "Door contacts and sensors"),
                  "outputs": ("outputGroups", "Outputs", "Sirens, lights and door releases")}
        for device_type, (group_type, name, description) in titles.items():
            ids = list(self.objects[device_type])
            top = self.add(group_type, name, description=description, builtIn=False)
            self.store.members[top["id"]] = ids
            self.store.subgroups[top["id"]] = []
            child = self.add(group_type, f"{name} - outdoor", top=False, description="Devices outside the building", builtIn=False)
            outdoor = [ident for ident in ids if self.objects[device_type][ident]["name"].startswith(("Parking", "Perimeter", "Garage"))]
            self.store.members[child["id"]] = outdoor
            self.store.subgroups[child["id"]] = []
            self.store.subgroups[top["id"]].append(child["id"])
        for group_type, name, description, device_type, count in (
                ("inputEventGroups", "Door contacts", "Contacts of the monitored doors", "inputEvents", 6),
                ("outputGroups", "Sirens", "Outputs that drive sirens", "outputs", 3)):
            group = self.add(group_type, name, description=description, builtIn=False)
            self.store.members[group["id"]] = list(self.objects[device_type])[:count]
            self.store.subgroups[group["id"]] = []
        for group_type in self.store.top:
            self.store.top[group_type].sort(key=lambda ident, kind=group_type: self.objects[kind][ident].get("name", ""))

    # --------------------------------------------------------------------------------------------- security

    def security(self) -> None:
        roles = {}
        for name, role_type, description in (("Administrators", "Adminstrative", "Built-in role with full access"),
                                             ("Operators", "UserDefined", "Control room operators"),
                                             ("Security guards", "UserDefined", "Guards on patrol"),
                                             ("Installers", "UserDefined", "Integrators who add and configure hardware")):
            roles[name] = self.add("roles", name, roleType=role_type, description=description)
        self.store.builtin[roles["Administrators"]["id"]] = "Bad request: the built-in Administrators role cannot be deleted"
        for role, account, domain, kind in (("Administrators", "Administrators", "BUILTIN", "WindowsGroup"),
                                            ("Operators", "VMS Operators", "EXAMPLE", "WindowsGroup"),
                                            ("Security guards", "guard.north", "EXAMPLE", "WindowsUser"),
                                            ("Security guards", "guard.south", "EXAMPLE", "WindowsUser"),
                                            ("Installers", "integrator", "EXAMPLE", "WindowsUser")):
            sid = f"S-1-5-21-{self.rng.randrange(10**9)}-{self.rng.randrange(10**9)}-{self.rng.randrange(10**9)}-{self.rng.randrange(1000, 9999)}"
            self.add("users", f"{domain}\\{account}", parent=("roles", roles[role]["id"]), accountName=account, domain=domain,
                     identityType=kind, sid=sid, description="", memberOf="", memberOfRoles="", members="")
        for name, status in (("installer", "Enabled"), ("auditor", "Enabled"), ("guard.lobby", "Enabled"),
                             ("contractor", "LockedOutByAdmin")):
            self.add("basicUsers", name, sid=str(uuid.UUID(int=self.rng.getrandbits(128), version=4)).upper(), status=status,
                     description="", isExternal=False, forcePasswordChange=False, canChangePassword=True)
        for name, kind, description in (("Always", "Calendar", "Built-in: always active"),
                                        ("Default Dusk/Dawn", "Sunclock", "Built-in: from sunset to sunrise"),
                                        ("Business hours", "Calendar", "Monday to Friday, 08:00-17:00"),
                                        ("Night watch", "Calendar", "Every day, 22:00-06:00"),
                                        ("Weekends", "Calendar", "Saturday and Sunday")):
            profile = self.add("timeProfiles", name, timeProfileType=kind, description=description)
            if name in BUILTIN_TIME_PROFILES:
                self.builtin(profile, f"Bad request: the built-in time profile '{name}' cannot be deleted")
        profile = self.add("evidenceLockProfiles", BUILTIN_EVIDENCE_LOCK_PROFILE,
                           retentionTimeOptions=["1 day", "1 week", "1 month", "1 year", "Indefinite"])
        self.builtin(profile, "Bad request: the default evidence lock profile cannot be deleted")
        self.add("evidenceLockProfiles", "Legal hold", retentionTimeOptions=["1 year", "Indefinite"])
        client = self.add("clientProfiles", BUILTIN_CLIENT_PROFILE, isDefaultProfile=True, description="Settings for every client")
        self.builtin(client, "Bad request: the default client profile cannot be deleted")
        self.add("clientProfiles", "Control room", isDefaultProfile=False, description="Operators' workstations")

    # ------------------------------------------------------------------------------------- events and rules

    def rules_and_events(self) -> None:
        sources = {}
        for name, port, protocol, enabled in (("Compatible", 1234, "Tcp", True), ("International", 1235, "Tcp", True),
                                              ("Access control gateway", 5555, "Both", True), ("Legacy intercom", 5600, "Udp", False)):
            sources[name] = self.add("genericEventDataSources", name, dataSourcePort=port, dataSourceProtocol=protocol, enabled=enabled,
                                     dataSourceAllowed="", dataSourceAllowed6="", dataSourceSeparator="13,10")
        gateway = f"GenericEventDataSource[{sources['Access control gateway']['id'].upper()}]"
        for name, expression, enabled in (("Door forced", "DOOR_FORCED", True), ("Door held open", "DOOR_HELD", True),
                                          ("Fire alarm", "FIRE", True), ("Badge rejected", "BADGE_REJECTED", False)):
            self.add("genericEvents", name, expression=expression, expressionType="0", dataSource=gateway, enabled=enabled,
                     priority=100, shadowId=guid(self.rng))
        for name, start, stop in (("Default Record on Motion Rule", "StartRecording", "StopRecording"),
                                  ("Default Start Feed Rule", "StartFeed", "StopFeed"),
                                  ("Default Start Audio Feed Rule", "StartFeed", "StopFeed"),
                                  ("Default Goto Preset when PTZ is done Rule", "GotoDefaultPreset", "")):
            self.add("rules", name, startActions=start, stopActions=stop, description="", enabled=True)
        self.add("rules", "Siren on door forced", startActions="Activate", stopActions="Deactivate", startRuleType="Event",
                 stopRuleType="Timer", description="Sounds the sirens for 30 seconds", enabled=False)
        for name, recipients in (("Security desk", ["security@example.com"]), ("Facility management", ["facility@example.com", "oncall@example.com"])):
            self.add("mailNotificationProfiles", name, recipients=recipients, subject=f"XProtect: {name}",
                     messageText="$EventName$ on $SourceName$ at $TriggerTime$", description="")

    def views(self) -> None:
        for group_name, views in (("Operators", ("Lobby overview", "Parking 2x2")), ("Security guards", ("Perimeter",))):
            group = self.add("viewGroups", group_name, description=f"Views of the {group_name.lower()} role", viewGroupDataXml="")
            self.store.subgroups[group["id"]] = []
            for view in views:
                self.add("views", view, parent=("viewGroups", group["id"]), shortcut="", layoutCustomId="", viewLayoutType="")
            if group_name == "Operators":
                night = self.add("viewGroups", "Night shift", top=False, description="Views for the night shift", viewGroupDataXml="")
                self.store.subgroups[group["id"]].append(night["id"])
                self.store.subgroups[night["id"]] = []
                self.add("views", "Night perimeter", parent=("viewGroups", night["id"]), shortcut="", layoutCustomId="", viewLayoutType="")
        for group_name, layouts in (("4:3", ("1x1", "2x2", "3x3")), ("16:9", ("1x1", "2x2", "1 + 7"))):
            group = self.add("layoutGroups", group_name)
            for layout in layouts:
                self.add("layouts", layout, parent=("layoutGroups", group["relations"]["self"]["id"]))

    # ----------------------------------------------------------------------------------------- the others

    def everything_else(self) -> None:
        site = self.store.site
        host = f"{site.get('computerName', 'XPMS01').lower()}.{site.get('domainName', 'example.local')}"
        self.add("servers", site.get("computerName", "XPMS01"), description="Management server", addresses=[f"https://{host}/"],
                 type=guid(self.rng))
        for kind, url in (("Internal", f"https://{host}:443/"), ("External", "https://vms.example.com:443/")):
            self.add("systemAddresses", url, addressType=kind, url=url)
        self.add("licenseInformations", f"XProtect Corporate {site.get('version', '')}", slc="M01-C01-251-01-SIMUL8")
        self.add("owner", "Basic Information")
        self.add("toolOptions", "Recording Server options")
        for name, selected in (("Microsoft Video 1", False), ("Intel IYUV codec", True)):
            self.add("compressors", name, aviGenerationSelected=selected)
        group = self.add("failoverGroups", "Failover group 1", description="Hot standby for both recording servers")
        self.add("failoverRecorders", "XPFO01", parent=("failoverGroups", group["id"]), hostName="xpfo01.example.local",
                 webServerUri="http://xpfo01.example.local:7563/", databasePath="C:\\MediaDatabase", activeWebServerUri="",
                 publicWebserverHostName="", description="")
        self.add("gisMapLocations", "Headquarters", positionX=12.5683, positionY=55.6761, scale=5000.0)
        wall = self.add("videoWalls", "Control room wall", description="3 x 2 monitors")
        for number in (1, 2):
            self.add("monitors", f"Monitor {number}", parent=("videoWalls", wall["id"]), locationX=float(number - 1), description="",
                     monitorState="", view=path_ref("views", ZERO_GUID))
        self.add("videoWallPresets", "Day", parent=("videoWalls", wall["id"]), description="")
        system = self.add("accessControlSystems", "Door access control")
        for unit in ("Main entrance controller", "Loading dock controller"):
            self.add("accessControlUnits", unit, parent=("accessControlSystems", system["id"]))
        self.add("childSites", "Branch office", connectionState="Attached", description="Federated branch site",
                 version=site.get("version", ""))
        self.add("lprMatchLists", "Staff vehicles", customFields="Owner;Department")
        self.add("matrix", "Control room matrix", address="matrix.example.local", password="")
        kind = self.add("mipKinds", "Incident properties")
        self.add("mipItems", "Incident projects", parent=("mipKinds", kind["id"]))
        self.add("saveSearches", "Parking after hours", searchQuery="Parking", availability="Public")
        self.add("audioMessages", "Closing announcement", originalFileName="closing.wav", description="")
        self.add("loginProviders", "Entra ID", enabled=False, authority="https://login.microsoftonline.com/example",
                 clientId="xprotect-vms", userNameClaimType="preferred_username", scopes=["openid", "profile"], clientSecretHasValue=False)
        for text in ("MPEG-4 frames per second", "Video stream 1"):
            self.add("translations", None, text=text)
        ptz = next((camera for camera in self.objects["cameras"].values() if camera["ptzEnabled"]), None)
        if ptz is not None:
            self.add("patrollingProfiles", "Perimeter sweep", parent=("cameras", ptz["id"]), description="Visits every preset")
        for name, service_type in (("Management server", "f24b5a1c-1a5b-4b0a-9b8e-0d3c2a9e7a11"),
                                   ("Event server", "0c3d9b2e-5e4f-4a7d-8a51-6b2e9c1d3f42")):
            ident = guid(self.rng)
            service = self.add("registeredServices", name, ident=ident, enabled=True, serviceType=service_type, description=name,
                               customData="", uris=[f"https://{host}/"], endpoints=[])
            self.builtin(service, "Bad request: built-in services cannot be deleted")
        for ident, name, resource, actions in SECURITY_NAMESPACES:  # fixed ids: they are the product's (no draw from the generator)
            masks = [{"name": action, "displayName": {}, "securityMask": 1 << bit, "visible": action != "ADMIN_SECURITY"}
                     for bit, action in enumerate(("GENERIC_READ", "GENERIC_WRITE", *actions, "ADMIN_SECURITY"))]
            self.add("securityNamespaces", name, ident=ident, displayName=name, userDefined=False, structure=1, resourceTypes=resource,
                     securityActions=masks)


# The types the Events and Alarms REST APIs (live.py) keep: the Config API serves the same objects.
LIVE_TYPES = (("alarmDefinitions", "alarm_definitions"), ("analyticsEvents", "analytics_events"), ("stateGroups", "state_groups"),
              ("eventTypes", "builtin_types"))
EVENT_TYPE_GROUPS = (("Device - Predefined", "Device"), ("System Events", "System"), ("External Events", "External"))


def share_live(store: Store, live: Any) -> None:
    """Serve the event types, state groups, analytics events and alarm definitions of ``live`` as Config API objects.

    Their fields missing from ``live``'s objects get the document's defaults (so GET-modify-PUT works); the event type
    groups list the event types by originator type, and the analytics events in a group of their own.
    """
    when = format_timestamp(BASE_TIME)
    for type_name, attribute in LIVE_TYPES:
        objects = getattr(live, attribute, None)
        if not isinstance(objects, dict):
            continue
        store.objects[type_name] = objects
        fields = TABLES.fields(type_name)
        for ident, obj in objects.items():
            for key, value in new_object(type_name, ident, when=when).items():
                if key in fields:
                    obj.setdefault(key, value)
            for key in [key for key in obj if key not in fields and key != "state"]:  # eventTypes keep state (live.py)
                del obj[key]
    groups = store.objects.setdefault("eventTypeGroups", {})
    for name, generator in EVENT_TYPE_GROUPS + (("Analytics Events", None),):
        ident = str(uuid.uuid5(DERIVED_NAMESPACE, f"{store.site_id}/eventTypeGroups/{name}"))  # other ids for another seed
        groups[ident] = new_object("eventTypeGroups", ident, when=when, name=name)
        if generator is None:
            store.members[ident] = list(store.objects.get("analyticsEvents", {}))
        else:
            store.members[ident] = [key for key, obj in store.objects.get("eventTypes", {}).items() if obj.get("generatorType") == generator]


def populate(store: Store, seed: int) -> None:
    """Add everything but the cameras, their presets and camera groups to ``store`` (deterministic from ``seed``)."""
    _Seeder(store, seed).run()
