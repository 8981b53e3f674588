"""Test controls under ``/_simulator/`` (no auth, no latency, no faults, not counted in stats).

GET  /_simulator/stats                           counters (REST only) + token_grants, open_tasks, max_in_flight
GET  /_simulator/requests                        request log (REST + IDP + discovery); ?kind=rest|idp|discovery
POST /_simulator/reset                           everything back to the seed; {"stats_only": true} = counters + log
GET  /_simulator/faults, POST /_simulator/faults fault injection (see faults.py / README)
GET  /_simulator/cameras/{id}/device_presets     the camera's device-side presets
POST /_simulator/cameras/{id}/device_presets     replace them: {"presets": [{"name", "pan", "tilt", "zoom"}]}
GET  /_simulator/config                          the effective command line configuration (passwords omitted)
GET  /_simulator/network                         the simulated camera network (network.py), read-only
GET  /_simulator/health                          {"status": "ok"}
POST /_simulator/events, GET /_simulator/events  emit events server-side, follow a batch (websocket.py)
POST /_simulator/ws/drop, GET /_simulator/ws     drop every WebSocket connection, list the sessions (websocket.py)
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from aiohttp import web

from .state import SimState
from .store import DevicePreset
from .util import dumps
from .websocket import control as live_control


def _json(body: Any, status: int = 200) -> web.Response:
    return web.Response(body=dumps(body), status=status, content_type="application/json", charset="utf-8")


def _error(text: str, status: int = 400) -> web.Response:
    return _json({"error": text}, status)


async def _body(request: web.Request) -> dict[str, Any]:
    raw = await request.read()
    if not raw.strip():
        return {}
    body = json.loads(raw)
    if not isinstance(body, dict):
        raise ValueError("body must be a JSON object")
    return body


def _config_json(state: SimState) -> dict[str, Any]:
    values = dataclasses.asdict(state.config)
    values["users"] = [{"name": user.name, "role": user.role} for user in state.config.users]
    values["windows_users"] = [{"name": user.name, "role": user.role} for user in state.config.windows_users]
    values["url"] = state.base_url
    return values


def _parse_device_presets(body: dict[str, Any]) -> list[DevicePreset]:
    presets = body.get("presets")
    if not isinstance(presets, list):
        raise ValueError('body must be {"presets": [{"name": ..., "pan": ..., "tilt": ..., "zoom": ...}, ...]}')
    parsed = []
    for index, item in enumerate(presets, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"].strip():
            raise ValueError(f"preset {index}: a non-empty name is required")
        position = []
        for axis in ("pan", "tilt", "zoom"):
            value = item.get(axis, 0.0)
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ValueError(f"preset {index}: {axis} must be a number")
            position.append(float(value))
        internal_id = str(item.get("devicePresetInternalId", item.get("id", index)))
        parsed.append(DevicePreset(internal_id=internal_id, name=item["name"], pan=position[0], tilt=position[1], zoom=position[2]))
    ids = [preset.internal_id for preset in parsed]
    if len(set(ids)) != len(ids):
        raise ValueError("device preset internal ids must be unique")
    return parsed


async def dispatch(request: web.Request, state: SimState) -> web.Response:  # pylint: disable=too-many-return-statements
    """Serve one control request."""
    state.tasks.settle()
    parts = [part for part in request.path.lower().split("/") if part][1:]
    method = request.method
    try:
        if parts == ["stats"] and method == "GET":
            return _json(state.stats.to_json(state.tasks.open_count(), state.tasks.running_count()))
        if parts == ["requests"] and method == "GET":
            kind = request.query.get("kind")
            return _json([entry for entry in state.stats.log if kind is None or entry["kind"] == kind])
        if parts == ["reset"] and method == "POST":
            body = await _body(request)
            state.reset(stats_only=bool(body.get("stats_only")))
            return _json({"state": "Success", "stats_only": bool(body.get("stats_only"))})
        if parts == ["faults"] and method == "GET":
            return _json(state.faults.to_json())
        if parts == ["faults"] and method == "POST":
            if state.faults.configure(await _body(request)):
                state.tokens.expire_all()
            return _json(state.faults.to_json())
        if len(parts) == 3 and parts[0] == "cameras" and parts[2] == "device_presets":
            camera = state.store.cameras.get(parts[1])
            if camera is None:
                return _error("unknown camera", 404)
            if method == "POST":
                if not camera["ptzEnabled"]:
                    return _error("camera is not a PTZ camera")
                state.store.device_presets[camera["id"]] = _parse_device_presets(await _body(request))
            return _json({"presets": [vars(item) for item in state.store.device_presets.get(camera["id"], [])]})
        if parts and parts[0] in ("events", "ws"):
            answer = await live_control(request, state.live, parts, await _body(request) if method == "POST" else {})
            if answer is not None:
                return answer
        if parts == ["config"] and method == "GET":
            return _json(_config_json(state))
        if parts == ["network"] and method == "GET":
            return _json(state.network.to_json(state.store))
        if parts == ["health"] and method == "GET":
            return _json({"status": "ok"})
    except ValueError as exc:
        return _error(str(exc))
    return _error(f"unknown control {method} {request.path}", 404)
