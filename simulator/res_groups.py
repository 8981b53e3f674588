"""Device group hierarchies, and what a role lets its members see.

``POST {kind}Groups/{id}/{kind}Groups``: a group created below another one.

Milestone's OpenAPI document lists the subgroups of a group (``GET cameraGroups/{id}/cameraGroups``) and documents a
create for top-level groups only (``POST /cameraGroups``), and a group's body has no parent field.  Below the REST API,
the Configuration API creates every group with the ``AddDeviceGroup`` method of a group folder, the top-level folder or
the folder of a parent group (MilestonePSTools' ``New-VmsDeviceGroup`` calls it on ``$parent.CameraGroupFolder``); the
REST API serves a group's folder as its ``{kind}Groups`` child collection, so a POST there is how a real server would
create a subgroup, but no source shows one.  Hence ``--subgroup-create``:

- ``post-child`` (default): ``POST {kind}Groups/{id}/{kind}Groups`` with ``name`` (required) and ``description`` creates
  the subgroup (201 ``{"result": <group>}``, as a top-level create);
- ``unsupported``: 400 ``Bad request: Unknown request``, the answer to a method a path does not serve.

``GET effectivePermissions/{securityNamespaceId}`` (``?objectIds=a,b`` narrows it, as Milestone's SecurityPermission sample
does): the caller's own permissions in the namespace, in the document's unwrapped body.  An administrator (a member of the
Administrators role, or an administrator of ``--user``) gets ``isAdministrator`` and no list.  For a basic user of
``/basicUsers`` or a Windows member of a role, the overall permissions of the roles it is a member of decide
(ChangeOverallSecurityPermissions, ``res_task_effects.py``): the bits of the security actions some role allows, less those
any role denies, for every object of the namespace's type, listed only when the read bit (GENERIC_READ) is in the mask.
Other callers (operators of ``--user``, in no role) see every object with mask 1.
"""

from __future__ import annotations

from aiohttp import web

from typing import Any

from .res_generic import check_body, children, definitions, ident_of, lookup
from .responses import bad_request, json_response, not_found
from .rest import ID, RestRequest, Router, params_missing, result
from .schema import TABLES
from .seed_site import new_object
from .util import random_guid

GROUP_TYPES = ("cameraGroups", "microphoneGroups", "speakerGroups", "metadataGroups", "inputEventGroups", "outputGroups")


def _create_subgroup(group_type: str):  # type: ignore[no-untyped-def]
    async def handler(req: RestRequest) -> web.Response:
        if req.param("task") is not None or req.state.config.subgroup_create != "post-child":
            raise bad_request("Bad request: Unknown request")
        store = req.state.store
        parent = store.objects.get(group_type, {}).get(req.ids[0].lower())
        if parent is None:
            raise not_found()
        body = await req.json_object(required=False)
        if not any(key.lower() == "name" for key in body):
            raise params_missing({"name": "", "description": ""}, definitions(store, group_type), req)
        when = store.clock()
        ident = random_guid()
        group = new_object(group_type, ident, when=when, values={"description": "", "builtIn": False})
        changes = check_body(req, TABLES.fields(group_type), group, body, full=False, create=True)
        group.update(changes)
        group["displayName"] = group.get("name", "")
        store.objects[group_type][ident] = group
        store.subgroups.setdefault(parent["id"], []).append(ident)
        store.subgroups[ident] = []
        store.members[ident] = []
        return result(dict(group), status=201)
    return handler


def _caller_sids(req: RestRequest) -> set[str]:
    """The SIDs the caller is known by: its basic user's, or the role members that name its Windows account."""
    store, name = req.state.store, req.user.name.casefold()
    sids = {str(user.get("sid", "")).upper() for user in store.objects.get("basicUsers", {}).values() if str(user.get("name", "")).casefold() == name}
    for member in store.objects.get("users", {}).values():
        account = f"{member.get('domain', '')}\\{member.get('accountName', '')}".casefold()
        if member.get("identityType") != "BasicUser" and name in (account, str(member.get("displayName", "")).casefold()):
            sids.add(str(member.get("sid", "")).upper())
    return sids - {""}


def _masks(namespace: dict[str, Any]) -> dict[str, int]:
    return {str(action.get("name")): int(action.get("securityMask") or 0) for action in namespace.get("securityActions") or []}


async def effective_permissions(req: RestRequest) -> web.Response:
    """GET /effectivePermissions/{namespace id} (see the module docstring)."""
    store = req.state.store
    namespace = lookup(store, "securityNamespaces", req.ids[0])
    if namespace is None:
        raise not_found()
    ident = ident_of(namespace)
    sids = _caller_sids(req) if req.user.role != "administrator" else set()
    roles = [role for role in store.objects.get("roles", {}).values()
             if sids & {str(user.get("sid", "")).upper() for user in children(store, "roles", ident_of(role), "users")}]
    if req.user.role == "administrator" or any(role.get("roleType") == "Adminstrative" for role in roles):
        return json_response({"id": ident, "isAdministrator": True, "objectPermissions": []})
    target = TABLES.canonical(str(namespace.get("resourceTypes", ""))) or ""
    objects = list(store.objects.get(target, {}))
    wanted = req.param("objectIds")
    if wanted:
        asked = {part.strip().lower() for part in wanted.split(",")}
        objects = [key for key in objects if key in asked]
    if not sids:
        return json_response({"id": ident, "isAdministrator": False, "objectPermissions": [{"id": key, "mask": 1} for key in objects]})
    masks, allowed, denied = _masks(namespace), 0, 0
    for role in roles:
        values = store.secrets.get(ident_of(role), {}).get("overallSecurity", {}).get(ident, {})
        for action, value in values.items():
            if value == "Allow":
                allowed |= masks.get(action, 0)
            elif value == "Deny":
                denied |= masks.get(action, 0)
    mask = allowed & ~denied
    visible = bool(mask & masks.get("GENERIC_READ", 1))
    return json_response({"id": ident, "isAdministrator": False,
                          "objectPermissions": [{"id": key, "mask": mask} for key in objects] if visible else []})


def register(router: Router) -> None:
    """Add ``POST {kind}Groups/{id}/{kind}Groups`` for the six kinds of device group, and ``GET effectivePermissions/{id}``
    (before the generic routes, which then leave them alone)."""
    for group_type in GROUP_TYPES:
        router.add("POST", f"{group_type}/{ID}/{group_type}", _create_subgroup(group_type))
    router.add("GET", f"effectivePermissions/{ID}", effective_permissions)
