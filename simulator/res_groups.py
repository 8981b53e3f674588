"""Device group hierarchies: a group created below another one (``POST {kind}Groups/{id}/{kind}Groups``).

Milestone's OpenAPI document lists the subgroups of a group (``GET cameraGroups/{id}/cameraGroups``) and documents a
create for top-level groups only (``POST /cameraGroups``), and a group's body has no parent field.  Below the REST API,
the Configuration API creates every group with the ``AddDeviceGroup`` method of a group folder, the top-level folder or
the folder of a parent group (MilestonePSTools' ``New-VmsDeviceGroup`` calls it on ``$parent.CameraGroupFolder``); the
REST API serves a group's folder as its ``{kind}Groups`` child collection, so a POST there is how a real server would
create a subgroup, but no source shows one.  Hence ``--subgroup-create``:

- ``post-child`` (default): ``POST {kind}Groups/{id}/{kind}Groups`` with ``name`` (required) and ``description`` creates
  the subgroup (201 ``{"result": <group>}``, as a top-level create);
- ``unsupported``: 400 ``Bad request: Unknown request``, the answer to a method a path does not serve.
"""

from __future__ import annotations

from aiohttp import web

from .res_generic import check_body, definitions
from .responses import bad_request, not_found
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


def register(router: Router) -> None:
    """Add ``POST {kind}Groups/{id}/{kind}Groups`` for the six kinds of device group (before the generic routes)."""
    for group_type in GROUP_TYPES:
        router.add("POST", f"{group_type}/{ID}/{group_type}", _create_subgroup(group_type))
