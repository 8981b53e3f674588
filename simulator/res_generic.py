"""Every path of Milestone's OpenAPI document, served from the field tables (``schema.py``, ``openapi_tables.json``).

The curated modules (userDefinedEvents, cameras, ptzPresets, tasks, cameraGroups, sites, ``hardware/{id}/cameras``)
register first; this module adds every (method, path) of the document they do not serve, so curated behaviour always
wins and the generic layer only adds verbs.  What each operation does:

- ``list``: the type's objects: top-level groups only for group types (``cameraGroups/{id}/cameraGroups`` lists the
  nested ones); below a parent, its children (``relations.parent``), a group's members (``cameraGroups/{id}/cameras``),
  the one singleton of the parent (``cameras/{id}/settings``) or the derived children (``cameras/{id}/customProperties``,
  made from the document's examples when first asked for, one per parent).  Types whose document list says "all
  enabled" hide disabled objects unless ``?disabled`` (``?includeDisabled`` for registeredServices).  Filters and
  paging as everywhere (rest.py).
- ``get``: one object; a singleton (``settings/{deviceId}``, ``streams/{cameraId}``, ``storageInformation/{storageId}``)
  exists for every object of its parent types and has the parent's id.  ``?tasks``, ``?resources`` (the child types of
  the document) and ``?definitions`` (canSet, valueType, options, minValue/maxValue) from the tables.
- ``create``: a POST on a collection (201 ``{"result": <object>}``; 200 for registeredServices and securityNamespaces,
  as their document says); the body is checked against the fields; ``name`` is required where the type has one (400
  ``parameters missing`` with ``params`` otherwise) and may be given even where the document marks it read-only
  (basicUsers); other fields start from the document's examples.  A new role also gets a view group of its name.
- ``add``: a group's membership POST ``{"type": "cameras", "id": ...}`` -> 201 ``{"state": "Success"}``.
- ``put``/``patch``: as the curated routes (fields.py semantics, ``--read-only-fields``): unknown properties and wrong
  types are a 400 naming the property; PUT needs every updatable property.  ``name`` also sets ``displayName``.
- ``delete``: 200 ``{"state": "Success"}``; removes the object's children, memberships and singletons too (deleting
  hardware at ``recordingServers/{rs}/hardware/{id}`` removes its cameras and other devices).  Built-in objects answer 400.
  Below a group it removes a member.
- ``task``: ``?task=<id>`` of the document; without its parameters 400 ``parameters missing`` with ``params``; otherwise
  200 ``{"result": {<parameters>, "state": "Success"}}``.  The tasks of ``res_task_effects.py`` (hardware, recording
  servers, roles and their members, basic users, storages, devices, outputs) have their effects on the site instead, and
  this layer also serves the tasks of ``cameras/{id}`` (the curated camera routes offered ChangeSecurityPermissions only);
  ChangeSecurityPermissions is the curated one.  A basic user created with a ``password`` (write-only, kept for the IDP)
  can log in; basic user names are unique.

``--missing-types`` makes the listed types unknown (404 ``Unknown resource: <type>``), as on an older XProtect.
"""

from __future__ import annotations

import re
import uuid
from typing import Any, Awaitable, Callable, Iterable

from aiohttp import web

from .fields import GIS_RE, GUID_RE, check_name
from .res_events import change_security_permissions
from .responses import ApiError, bad_request, json_response, not_found
from .rest import RestRequest, Router, collection, params_missing, result, single, state_success, task_id
from .schema import TABLES, FieldSpec, Route
from .seed_site import SEEDED_CHILD_TYPES, ZERO_GUID, derived_id, identity_field, new_object
from .store import Store, path_ref
from .util import random_guid

Handler = Callable[[RestRequest], Awaitable[web.Response]]
BRACKET_RE = re.compile(r"^([A-Z][A-Za-z]*)\[([0-9A-Fa-f-]{36})\]$")
VALUE_TYPES = {"boolean": "bool", "integer": "int", "number": "double", "array": "array", "object": "list"}

TYPES = TABLES.types
# Membership: (group type, member type) where the document's POST on group/{id}/member takes an itemSelectionRequest.
MEMBERSHIP = {(route.parent, route.type) for route in TABLES.routes if route.ops.get("POST") == "add"}
# Lists of ids kept by the group (seed_site.share_live): event types and analytics events by event type group.
LISTED = {("eventTypeGroups", "eventTypes"), ("eventTypeGroups", "analyticsEvents")}
# Types nested in themselves (cameraGroups/{id}/cameraGroups, viewGroups, childSites, mipItems, accessControlUnits).
SELF_NESTED = {route.type for route in TABLES.routes if route.parent == route.type}
_ROOT_TYPES = {route.type for route in TABLES.routes if route.parent is None}
_CREATED_TYPES = {route.type for route in TABLES.routes if "create" in route.ops.values()}
# Child-only types without a create or a path of their own that the seed does not fill: derived from the document's
# examples per parent when first asked for (clientSettings, customProperties, claims, motionDetections, ...).
DERIVED = {name for name, spec in TYPES.items()
           if name not in _ROOT_TYPES and name not in _CREATED_TYPES and not spec.singleton and name not in SEEDED_CHILD_TYPES}
# The parent types of each singleton: those it is listed under, and the parent of its relations.
SINGLETON_PARENTS = {name: [route.parent for route in TABLES.routes if route.type == name and route.parent] + ([spec.parent] if spec.parent else [])
                     for name, spec in TYPES.items() if spec.singleton}
# Reference enums (GUIDs or Type[GUID] values from Milestone's test system) are not a list of valid choices.
_REFERENCE_VALUE_RE = re.compile(r"^(?:[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}|[A-Z][A-Za-z]*\[.*\])$")


def _is_reference_enum(spec: FieldSpec) -> bool:
    return bool(spec.enum) and all(_REFERENCE_VALUE_RE.match(value) for value in spec.enum)


def _bracket_type(prefix: str) -> str | None:
    """``GenericEventDataSource`` -> ``genericEventDataSources``."""
    return TABLES.canonical(prefix[:1].lower() + prefix[1:] + "s")


# ========================================================================================================= lookups

def ident_of(obj: dict[str, Any]) -> str:
    """An object's id (types such as eventTypeGroups have no ``id`` field: ``relations.self`` has it)."""
    ident = obj.get("id", obj.get("Id"))
    if ident is None:
        ident = ((obj.get("relations") or {}).get("self") or {}).get("id", "")  # claims have neither
    return str(ident).lower()


def parent_of(obj: dict[str, Any]) -> dict[str, str] | None:
    """``relations.parent`` of an object, if any."""
    relations = obj.get("relations")
    return relations.get("parent") if isinstance(relations, dict) else None


def lookup(store: Store, type_name: str, ident: str) -> dict[str, Any] | None:
    """The object ``ident`` of ``type_name``; a singleton is made for a parent that exists."""
    ident = ident.lower()
    obj = store.objects.get(type_name, {}).get(ident)
    if obj is None and type_name in SINGLETON_PARENTS:
        obj = _singleton(store, type_name, ident)
    return obj


# Singletons a curated module builds itself (res_settings: a device's driver settings, a camera's stream usage):
# type -> builder(store, parent type, id); the object is stored and served here like any other.
SINGLETON_BUILDERS: dict[str, Callable[[Store, str, str], dict[str, Any]]] = {}


def _singleton(store: Store, type_name: str, ident: str) -> dict[str, Any] | None:
    for parent_type in SINGLETON_PARENTS[type_name]:
        parent = store.objects.get(parent_type, {}).get(ident)
        if parent is not None:
            builder = SINGLETON_BUILDERS.get(type_name)
            if builder is not None:
                obj = builder(store, parent_type, ident)
            else:
                obj = new_object(type_name, ident, when=parent.get("lastModified") or store.clock(), parent=(parent_type, ident))
            if "displayName" in obj and type_name == "streams" and builder is None:
                obj["displayName"] = "Video stream 1"
            store.objects.setdefault(type_name, {})[ident] = obj
            return obj
    return None


def _derived(store: Store, parent_type: str, parent_id: str, type_name: str) -> list[dict[str, Any]]:
    key = f"{parent_id}/{type_name}"
    if key not in store.derived:
        ids = []
        if parent_type != type_name:  # an accessControlUnit has no units below it
            ident = derived_id(parent_id, type_name)
            parent = store.objects[parent_type][parent_id]
            store.objects.setdefault(type_name, {})[ident] = new_object(
                type_name, ident, when=parent.get("lastModified") or store.clock(), parent=(parent_type, parent_id))
            ids.append(ident)
        store.derived[key] = ids
    return [store.objects[type_name][ident] for ident in store.derived[key]]


def children(store: Store, parent_type: str, parent_id: str, type_name: str) -> list[dict[str, Any]]:
    """What ``<parent_type>/<parent_id>/<type_name>`` lists (see the module docstring)."""
    objects = store.objects.get(type_name, {})
    if type_name in SELF_NESTED and type_name == parent_type:
        return [objects[ident] for ident in store.subgroups.get(parent_id, []) if ident in objects]
    if (parent_type, type_name) in MEMBERSHIP or (parent_type, type_name) in LISTED:
        return [objects[ident] for ident in store.members.get(parent_id, []) if ident in objects]
    if type_name in SINGLETON_PARENTS:
        obj = lookup(store, type_name, parent_id)
        return [obj] if obj is not None else []
    if type_name in DERIVED:
        return _derived(store, parent_type, parent_id, type_name)
    found = []
    for obj in objects.values():
        parent = parent_of(obj)
        if parent is not None and parent.get("id") == parent_id and parent.get("type") in (parent_type, None):
            found.append(obj)
    return found


def top_level(store: Store, type_name: str) -> list[dict[str, Any]]:
    """What ``GET /<type_name>`` lists: top-level groups for nested types, every object otherwise."""
    objects = store.objects.get(type_name, {})
    if type_name in store.top:
        return [objects[ident] for ident in store.top[type_name] if ident in objects]
    return list(objects.values())


def _visible(req: RestRequest, type_name: str, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Only enabled objects unless ``?disabled`` (``?includeDisabled``) for the types whose lists say "all enabled"."""
    flag = TYPES[type_name].enabled_only if type_name in TYPES else None
    if flag is None or req.flag(flag):
        return items
    return [item for item in items if item.get("enabled", True) is not False]


def _parent(req: RestRequest, route: Route) -> dict[str, Any]:
    assert route.parent is not None
    parent = lookup(req.state.store, route.parent, req.ids[0])
    if parent is None:
        raise not_found()
    return parent


def _target(req: RestRequest, route: Route) -> dict[str, Any]:
    """The object an item path names (``X/{id}`` or ``X/{pid}/Y/{id}``), or a 404."""
    store = req.state.store
    if route.type == "effectivePermissions":  # by the id of a security namespace
        obj = lookup(store, "securityNamespaces", req.ids[0])
    elif route.parent is None:
        obj = lookup(store, route.type, req.ids[0])
    else:
        parent = _parent(req, route)
        wanted = req.ids[1].lower()
        obj = next((item for item in children(store, route.parent, ident_of(parent), route.type) if ident_of(item) == wanted), None)
    if obj is None:
        raise not_found()
    return obj


# ====================================================================================================== metadata

def task_entries(route: Route | None) -> list[dict[str, str]]:
    """``?tasks`` entries of a path (``id``, not the document's ``name``: docs/xprotect-api.md §2)."""
    return [{"id": task.id, "displayName": task.display_name} for task in (route.tasks if route else ())]


def resources(req: RestRequest, type_name: str) -> list[dict[str, str]]:
    """``?resources``: the child types the document serves below an object of ``type_name``."""
    missing = req.state.config.missing_types
    return [{"type": child, "displayName": TYPES[child].display_name} for child in TABLES.child_types(type_name) if child not in missing]


def definition(store: Store, spec: FieldSpec) -> dict[str, Any]:
    """The ``?definitions`` entry of one field."""
    if spec.ref is not None:
        value_type = "path"
    elif spec.type == "array" and spec.items is not None and spec.items.ref is not None:
        value_type = "pathList"
    elif spec.type == "string":
        value_type = "enum" if spec.enum else {"date-time-fraction": "dateTime", "time": "time"}.get(spec.format or "", "string")
    else:
        value_type = VALUE_TYPES.get(spec.type, "string")
    entry: dict[str, Any] = {"canSet": spec.writable, "valueType": value_type}
    if spec.enum:
        entry["options"] = _options(store, spec)
    if spec.minimum is not None:
        entry["minValue"] = spec.minimum
        entry["maxValue"] = spec.maximum
    return entry


def _options(store: Store, spec: FieldSpec) -> list[dict[str, str]]:
    """Enum options; for ``Type[GUID]`` references the site's own objects (the document's values are a test system's)."""
    match = BRACKET_RE.match(spec.enum[0])
    target = _bracket_type(match.group(1)) if match else None
    if match and target:
        return [{"value": f"{match.group(1)}[{ident_of(obj).upper()}]", "displayName": str(obj.get("displayName", obj.get("name", "")))}
                for obj in store.objects.get(target, {}).values()]
    return [{"value": value, "displayName": spec.enum_names.get(value, value)} for value in spec.enum]


def definitions(store: Store, type_name: str) -> dict[str, Any]:
    """``?definitions`` for an object of ``type_name``."""
    return {name: definition(store, spec) for name, spec in TABLES.fields(type_name).items() if name != "relations" and not spec.embedded}


# ==================================================================================================== validation

def _coerce(store: Store, spec: FieldSpec, value: Any, prop: str, max_name_length: int,  # pylint: disable=too-many-return-statements,too-many-branches
            current: Any = None) -> Any:
    """Check ``value`` for ``spec``; 400 naming ``prop`` otherwise.  Booleans must be JSON booleans (strings are pre-2022 R2)."""
    if spec.ref is not None:
        return _coerce_ref(store, spec.ref, value, prop, strict=True, current=current)
    if spec.type == "string":
        if not isinstance(value, str):
            raise bad_request(f"Bad request: {prop} must be a string", prop=prop)
        if spec.name in ("name", "Name") and prop == spec.name:
            return check_name(value, max_name_length, prop)
        if spec.name.lower() == "gispoint" and not GIS_RE.match(value.strip()):
            raise bad_request(f"Bad request: {prop} must be \"POINT (LONGITUDE LATITUDE [ALTITUDE])\" or \"POINT EMPTY\"", prop=prop)
        if spec.format in ("guid", "uuid") and not GUID_RE.match(value):
            raise bad_request(f"Bad request: {prop} must be a GUID", prop=prop)
        if spec.enum and not _is_reference_enum(spec) and value not in spec.enum:
            raise bad_request(f"Bad request: {prop} must be one of {', '.join(spec.enum)}", prop=prop)
        return value.lower() if spec.format in ("guid", "uuid") else value
    if spec.type == "boolean":
        if not isinstance(value, bool):
            raise bad_request(f"Bad request: {prop} must be true or false", prop=prop)
        return value
    if spec.type in ("integer", "number"):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or (spec.type == "integer" and not float(value).is_integer()):
            raise bad_request(f"Bad request: {prop} must be {'an integer' if spec.type == 'integer' else 'a number'}", prop=prop)
        if (spec.minimum is not None and value < spec.minimum) or (spec.maximum is not None and value > spec.maximum):
            raise bad_request(f"Bad request: {prop} is out of range ({spec.minimum}..{spec.maximum})", prop=prop)
        return int(value) if spec.type == "integer" else value
    if spec.type == "array":
        if not isinstance(value, list):
            raise bad_request(f"Bad request: {prop} must be an array", prop=prop)
        item = spec.items
        if item is None:
            return value
        if item.ref is not None:
            return [_coerce_ref(store, item.ref, entry, f"{prop}[{index}]", strict=False) for index, entry in enumerate(value)]
        # Arrays are written whole; an entry of objects (a stream of settings) keeps what it does not give from the entry at
        # the same place before.
        before = current if isinstance(current, list) else []
        return [_coerce(store, item, entry, f"{prop}[{index}]", max_name_length, before[index] if index < len(before) else None)
                for index, entry in enumerate(value)]
    if not isinstance(value, dict):
        raise bad_request(f"Bad request: {prop} must be an object", prop=prop)
    if spec.schema:
        fields = TABLES.schemas[spec.schema].fields
        merged = dict(current) if isinstance(current, dict) else {}
        by_lower = {name.lower(): name for name in fields}
        for key, entry in value.items():
            name = by_lower.get(key.lower())
            if name is None:
                raise bad_request(f"Bad request: unknown property '{prop}.{key}'", prop=f"{prop}.{key}")
            merged[name] = _coerce(store, fields[name], entry, f"{prop}.{name}", max_name_length, merged.get(name))
        return merged
    return value


def _coerce_ref(store: Store, ref_type: str, value: Any, prop: str, *, strict: bool, current: Any = None) -> dict[str, str]:
    """A ``{"type", "id"}`` reference; the referenced object must exist (the empty GUID means none)."""
    if (not isinstance(value, dict) or not isinstance(value.get("type"), str) or not isinstance(value.get("id"), str)
            or (strict and value["type"] != ref_type) or not GUID_RE.match(value["id"])):
        raise bad_request(f"Bad request: {prop} must be {{\"type\": \"{ref_type}\", \"id\": \"<guid>\"}}", prop=prop)
    ref = {"type": value["type"], "id": value["id"].lower()}
    if ref != current and ref["id"] != ZERO_GUID and ref["type"] in store.objects and lookup(store, ref["type"], ref["id"]) is None:
        raise bad_request(f"Invalid path. {ref['type']}/{value['id']}", prop=prop)
    return ref


def check_body(req: RestRequest, fields: dict[str, FieldSpec], current: dict[str, Any], body: dict[str, Any], *, full: bool,
               create: bool = False) -> dict[str, Any]:
    """The validated changes of a PUT (``full``), PATCH or create body, with fields.check_update's rules and texts."""
    config = req.state.config
    store = req.state.store
    by_lower = {name.lower(): spec for name, spec in fields.items()}
    changes: dict[str, Any] = {}
    for key, value in body.items():
        spec = by_lower.get(key.lower())
        if spec is None:
            raise bad_request(f"Bad request: unknown property '{key}'", prop=key)
        settable = spec.writable or (create and spec.name == identity_field_name(fields))
        if not settable:
            if config.read_only_fields == "ignore" or (config.read_only_fields == "changed" and value == current.get(spec.name)):
                continue
            raise bad_request(f"Bad request: property '{spec.name}' is read-only", prop=spec.name)
        changes[spec.name] = _coerce(store, spec, value, spec.name, config.max_name_length, current.get(spec.name))
    if full:
        missing = [name for name, spec in fields.items() if spec.writable and not spec.write_only and name not in changes]
        if missing:
            raise bad_request(f"Bad request: PUT must include all updatable properties; missing: {', '.join(missing)}", prop=missing[0])
    return changes


def identity_field_name(fields: dict[str, FieldSpec]) -> str | None:
    """``name`` (``Name``) when the fields have one."""
    return next((name for name in ("name", "Name") if name in fields), None)


def _apply(store: Store, type_name: str, obj: dict[str, Any], changes: dict[str, Any]) -> None:
    fields = TABLES.fields(type_name)
    for key, value in changes.items():
        if fields.get(key) is not None and fields[key].write_only:
            store.secrets.setdefault(ident_of(obj), {})[key] = value
            if key + "HasValue" in obj:
                obj[key + "HasValue"] = bool(value)
            continue
        obj[key] = value
    naming = identity_field(type_name)
    if naming and naming in changes and "displayName" in obj:
        obj["displayName"] = obj[naming]
    for stamp in ("lastModified", "LastModified"):
        if stamp in obj and fields.get(stamp) is not None and fields[stamp].format == "date-time-fraction":
            obj[stamp] = store.clock()


# ===================================================================================================== deleting

def _refuse_builtin(store: Store, type_name: str, obj: dict[str, Any]) -> None:
    ident = ident_of(obj)
    if ident in store.builtin:
        raise bad_request(store.builtin[ident])
    if obj.get("builtIn") is True:
        raise bad_request(f"Bad request: the built-in {TYPES[type_name].display_name.lower()} '{obj.get('name', ident)}' cannot be deleted")
    if type_name == "roles" and obj.get("roleType") == "Adminstrative":
        raise bad_request("Bad request: the built-in Administrators role cannot be deleted")


def remove(store: Store, type_name: str, ident: str) -> None:
    """Delete an object and everything that belongs to it (children, subgroups, memberships, singletons, derived children)."""
    obj = store.objects.get(type_name, {}).pop(ident, None)
    if obj is None:
        return
    if type_name in store.top and ident in store.top[type_name]:
        store.top[type_name].remove(ident)
    for nested in store.subgroups.pop(ident, []):
        remove(store, type_name, nested)
    for ids in store.subgroups.values():
        if ident in ids:
            ids.remove(ident)
    store.members.pop(ident, None)
    for ids in store.members.values():
        if ident in ids:
            ids.remove(ident)
    for key in [key for key in store.derived if key.startswith(ident + "/")]:
        for child_type_id in store.derived.pop(key):
            for objects in store.objects.values():
                objects.pop(child_type_id, None)
    for singleton in SINGLETON_PARENTS:
        store.objects.get(singleton, {}).pop(ident, None)
    for child_type, objects in list(store.objects.items()):
        for child_id in [key for key, child in objects.items() if (parent_of(child) or {}).get("id") == ident]:
            remove(store, child_type, child_id)
    store.builtin.pop(ident, None)
    store.secrets.pop(ident, None)
    if type_name == "cameras":
        store.presets.pop(ident, None)
        store.device_presets.pop(ident, None)
        for ids in store.hardware_cameras.values():
            if ident in ids:
                ids.remove(ident)
    if type_name == "hardware":
        store.hardware_cameras.pop(ident, None)


# ===================================================================================================== handlers

def _list(route: Route) -> Handler:
    async def handler(req: RestRequest) -> web.Response:
        store = req.state.store
        if route.parent is None:
            items = top_level(store, route.type)
        else:
            parent = _parent(req, route)
            items = children(store, route.parent, ident_of(parent), route.type)
        return collection(req, _visible(req, route.type, items), tasks=task_entries(_post_route(route)))
    return handler


def _get(route: Route) -> Handler:
    async def handler(req: RestRequest) -> web.Response:
        obj = _target(req, route)
        if route.type == "effectivePermissions":
            return _effective_permissions(req, obj)
        return single(req, obj, tasks=task_entries(_post_route(route)), resources=resources(req, route.type),
                      definitions=definitions(req.state.store, route.type))
    return handler


def _create(route: Route) -> Handler:
    async def handler(req: RestRequest) -> web.Response:
        if req.param("task") is not None:
            return await _invoke(req, route, None)
        store = req.state.store
        parent = _parent(req, route) if route.parent else None
        schema_fields = TABLES.schemas[route.create_schema].fields if route.create_schema in TABLES.schemas else TABLES.fields(route.type)
        body = await req.json_object(required=False)
        hidden = _basic_user_secret(store, body) if route.type == "basicUsers" else {}
        required = list(TABLES.schemas[route.create_schema].required) if route.create_schema in TABLES.schemas else []
        naming = identity_field_name(schema_fields)
        if not required and naming:
            required = [naming]
        given = {key.lower() for key in body}
        missing = [name for name in required if name.lower() not in given]
        if missing:
            raise params_missing({name: "" for name in missing}, definitions(store, route.type), req)
        when = store.clock()
        caller_id = "id" in schema_fields and schema_fields["id"].writable
        ident = str(body.get("id", "")).lower() if caller_id else (str(_next_int(store, route.type)) if _int_id(route.type) else random_guid())
        if caller_id and store.objects.get(route.type, {}).get(ident) is not None:
            raise bad_request(f"Bad request: {route.type}/{ident} already exists", prop="id")
        template = new_object(route.type, ident or random_guid(), when=when, parent=(route.parent, ident_of(parent)) if parent else None)
        for name, spec in TABLES.fields(route.type).items():  # a new object is nobody's default and nothing built-in
            if spec.read_only and spec.type == "boolean" and name in template:
                template[name] = False
        changes = check_body(req, schema_fields, template, body, full=False, create=True)
        changes.pop("id", None)
        obj = template
        _apply(store, route.type, obj, {key: value for key, value in changes.items() if key in TABLES.fields(route.type) or key in obj})
        obj.update({key: when for key in ("lastModified", "createdDate") if key in obj})
        store.objects.setdefault(route.type, {})[ident_of(obj)] = obj
        if route.parent is None and route.type in store.top:
            store.top[route.type].append(ident_of(obj))
            store.subgroups.setdefault(ident_of(obj), [])
        if route.type in {group for group, _member in MEMBERSHIP}:
            store.members.setdefault(ident_of(obj), [])
        if route.type == "roles":
            _role_view_group(store, obj)
        if route.type == "basicUsers":
            obj["sid"] = random_guid().upper()  # every basic user has a SID of its own (AddRoleMember takes it)
        if hidden:
            store.secrets[ident_of(obj)] = hidden
        body_out = dict(obj)
        if req.state.config.create_result_state:
            body_out.update({"state": "Success", "path": path_ref(route.type, ident_of(obj))})
        return result(body_out, status=route.create_status)
    return handler


def _basic_user_secret(store: Store, body: dict[str, Any]) -> dict[str, Any]:
    """A new basic user's ``password`` (taken out of the body: the object has no such field; the IDP checks it), and a
    400 for a name another basic user has (names compare case-insensitively)."""
    hidden = {}
    for key in [key for key in body if key.lower() == "password"]:
        password = body.pop(key)
        if not isinstance(password, str) or not password:
            raise bad_request("Bad request: password must be a non-empty string", prop="password")
        hidden["password"] = password
    name = body.get("name")
    if isinstance(name, str) and any(str(user.get("name", "")).casefold() == name.casefold() for user in store.objects.get("basicUsers", {}).values()):
        raise bad_request(f"Bad request: a basic user named '{name}' already exists", prop="name")
    return hidden


def _int_id(type_name: str) -> bool:
    spec = TABLES.fields(type_name).get("id")
    return spec is not None and spec.type == "integer"


def _next_int(store: Store, type_name: str) -> int:
    return max((int(key) for key in store.objects.get(type_name, {}) if key.isdigit()), default=0) + 1


def _role_view_group(store: Store, role: dict[str, Any]) -> None:
    """A new role comes with a view group of the same name (a side effect of the server, MilestonePSTools issue 120)."""
    ident = str(uuid.uuid5(uuid.NAMESPACE_URL, f"viewGroups/{ident_of(role)}"))
    group = new_object("viewGroups", ident, when=store.clock(), name=role.get("name"), values={"description": "", "viewGroupDataXml": ""})
    store.objects.setdefault("viewGroups", {})[ident] = group
    store.top.setdefault("viewGroups", []).append(ident)
    store.subgroups.setdefault(ident, [])


def _add(route: Route) -> Handler:
    async def handler(req: RestRequest) -> web.Response:
        if req.param("task") is not None:
            raise bad_request("Bad request: Unknown request")
        group = _parent(req, route)
        body = await req.json_object(required=False)
        if not body:
            raise params_missing({"type": route.type, "id": ""}, None, req)
        member_id = body.get("id")
        if body.get("type") != route.type or not isinstance(member_id, str) or not GUID_RE.match(member_id):
            raise bad_request(f"Bad request: the body must be {{\"type\": \"{route.type}\", \"id\": \"<guid>\"}}", prop="type")
        store = req.state.store
        if lookup(store, route.type, member_id) is None:
            raise bad_request(f"Invalid path. {route.type}/{member_id}", prop="id")
        members = store.members.setdefault(ident_of(group), [])
        if member_id.lower() not in members:
            members.append(member_id.lower())
        return json_response({"state": "Success"}, status=201)
    return handler


def _update(route: Route) -> Handler:
    async def handler(req: RestRequest) -> web.Response:
        obj = _target(req, route)
        body = await req.json_object()
        fields = TABLES.fields(route.type)
        changes = check_body(req, fields, obj, body, full=req.method == "PUT")
        _apply(req.state.store, route.type, obj, changes)
        return single(req, obj)
    return handler


def _delete(route: Route) -> Handler:
    async def handler(req: RestRequest) -> web.Response:
        store = req.state.store
        obj = _target(req, route)
        if route.parent is not None and (route.parent, route.type) in MEMBERSHIP:
            store.members[req.ids[0].lower()].remove(ident_of(obj))
            return state_success()
        _refuse_builtin(store, route.type, obj)
        remove(store, route.type, ident_of(obj))
        if route.delete_answer == "data":
            return json_response({"data": obj})
        return state_success()
    return handler


def _task(route: Route) -> Handler:
    async def handler(req: RestRequest) -> web.Response:
        obj = _target(req, route) if route.kind == "item" else (_parent(req, route) if route.parent else None)
        return await _invoke(req, route, obj)
    return handler


async def _invoke(req: RestRequest, route: Route, obj: dict[str, Any] | None) -> web.Response:
    """POST ...?task=<id>: parameters checked against the task's body schema; the result echoes them."""
    name = task_id(req, [task.id for task in route.tasks])
    task = next(item for item in route.tasks if item.id == name)
    if name == "ChangeSecurityPermissions":
        return await change_security_permissions(req)
    body = await req.json_object(required=False)
    fields = TABLES.schemas[task.params].fields if task.params in TABLES.schemas else {}
    effect = TASK_EFFECTS.get((route.type, name))
    if fields and not body:
        store = req.state.store
        values: dict[str, Any] = {key: "" for key in fields}
        defined = {key: definition(store, spec) for key, spec in fields.items()}
        if effect is not None and effect.describe is not None:  # the choices the site offers (and current values)
            values, defined = effect.describe(req, obj, values, defined)
        raise params_missing(values, defined, req)
    known = {**fields, **(effect.extra if effect is not None else {})}
    by_lower = {key.lower(): key for key in known}
    params = {}
    for key, value in body.items():
        if key.lower() not in by_lower:
            if effect is not None and effect.open_params:  # the effect checks them (security attributes of a namespace)
                params[key] = value
                continue
            raise bad_request(f"Bad request: unknown parameter '{key}' of task {name}", prop=key)
        params[by_lower[key.lower()]] = _coerce(req.state.store, known[by_lower[key.lower()]], value, by_lower[key.lower()],
                                                req.state.config.max_name_length)
    if effect is not None and obj is not None:
        return effect.run(req, route, obj, name, params)
    return result({**params, "state": "Success"})


def role_member(req: RestRequest, role: dict[str, Any], name: str, params: dict[str, Any]) -> Callable[[], None]:
    """AddRoleMember ``{"sid": ...}`` and RemoveRoleMember ``{"itemSelection": "User[<ID>]"}`` on ``roles/{id}/users``
    (the bodies of the document; the users object's id, upper case, in the removeRoleMemberServerTask example): the
    parameters are checked (400 naming the property), and the change is returned to apply."""
    store = req.state.store
    role_id = ident_of(role)
    members = children(store, "roles", role_id, "users")
    if name == "RemoveRoleMember":
        selection = params.get("itemSelection")
        match = BRACKET_RE.match(selection) if isinstance(selection, str) else None
        member = next((user for user in members if match and match.group(1) == "User" and ident_of(user) == match.group(2).lower()), None)
        if member is None:
            raise bad_request(f"Bad request: invalid value for itemSelection: {selection!r}; use User[<id of a member>]", prop="itemSelection")
        return lambda: remove(store, "users", ident_of(member))
    sid = params.get("sid")
    if not isinstance(sid, str) or not sid.strip():
        raise bad_request("Bad request: sid is required", prop="sid")
    existing = next((user for user in members if str(user.get("sid", "")).lower() == sid.lower()), None)
    basic = next((user for user in store.objects.get("basicUsers", {}).values() if str(user.get("sid", "")).lower() == sid.lower()), None)
    account = basic["name"] if basic else sid

    def add() -> None:
        if existing is not None:
            return
        ident = random_guid()
        store.objects.setdefault("users", {})[ident] = new_object(
            "users", ident, when=store.clock(), name=account, parent=("roles", role_id),
            values={"accountName": account, "domain": "[BASIC]" if basic else "", "identityType": "BasicUser" if basic else "WindowsUser",
                    "sid": sid, "description": "", "memberOf": "", "memberOfRoles": "", "members": ""})
    return add


def member_options(store: Store, role: dict[str, Any]) -> list[dict[str, str]]:
    """RemoveRoleMember's choices: the role's members, as the document's enum shows them (``User[<ID>]``)."""
    return [{"value": f"User[{ident_of(user).upper()}]", "displayName": user.get("displayName", "")}
            for user in children(store, "roles", ident_of(role), "users")]


def _effective_permissions(req: RestRequest, namespace: dict[str, Any]) -> web.Response:
    """GET /effectivePermissions/{namespace id}: the document's body, unwrapped; administrators see everything."""
    if req.user.role == "administrator":
        return json_response({"id": ident_of(namespace), "isAdministrator": True, "objectPermissions": []})
    target = TABLES.canonical(str(namespace.get("resourceTypes", ""))) or ""
    objects = req.state.store.objects.get(target, {})
    return json_response({"id": ident_of(namespace), "isAdministrator": False,
                          "objectPermissions": [{"id": ident, "mask": 1} for ident in objects]})


_POST_ROUTES = {route.path: route for route in TABLES.routes if "POST" in route.ops}
# Tasks with effects on the site, (type, task id) -> res_task_effects.TaskEffect; filled by register() (that module builds on
# this one).
TASK_EFFECTS: dict[tuple[str, str], Any] = {}


def _post_route(route: Route) -> Route | None:
    """The route whose POST invokes the tasks of ``route``'s path (the same path)."""
    return _POST_ROUTES.get(route.path)


FACTORIES: dict[str, Callable[[Route], Handler]] = {
    "list": _list, "get": _get, "create": _create, "add": _add, "put": _update, "patch": _update, "delete": _delete, "task": _task,
}


# ======================================================================================================= wiring

def missing_type(config: Any, segments: Iterable[str]) -> None:
    """``--missing-types``: 404 ``Unknown resource: <name>`` for a path through a type an older XProtect lacks."""
    missing = config.missing_types
    if not missing:
        return
    for index, segment in enumerate(segments):
        if index % 2 == 0 and TABLES.canonical(segment) in missing:
            raise ApiError(404, f"Unknown resource: {segment}")


def register(router: Router) -> None:
    """Add every (method, path) of the document that no curated module serves; must run after them."""
    from . import res_task_effects  # pylint: disable=import-outside-toplevel,cyclic-import  # it builds on this module

    TASK_EFFECTS.update(res_task_effects.EFFECTS)
    res_task_effects.register(router)
    for route in TABLES.routes:
        for method, operation in route.ops.items():
            if not router.has(method, route.path):
                router.add(method, route.path, FACTORIES[operation](route))
