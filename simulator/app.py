"""The aiohttp application: one catch-all route that classifies each request and applies, in order,
latency, faults, authentication, the operator write ban and the REST router.

A single route (instead of aiohttp's router) gives case-insensitive paths everywhere, as IIS does.
"""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web

from . import controls, idp, res_alarms, res_cameras, res_events, res_events_api, res_generic, res_presets, res_settings, res_tasks, websocket
from . import res_groups
from .faults import Rule
from .responses import FORBIDDEN_TEXT, ApiError, error_response, html_not_found, json_response
from .rest import REST_PREFIX, WRITE_METHODS, RestRequest, Router, split_segments, template_for
from .state import SimState

LOG = logging.getLogger("simulator")
STATE_KEY = web.AppKey("state", SimState)

TOKEN_PATHS = {"/idp/connect/token": False, "/api/idp/connect/token": True}  # value: reached through the gateway
OPENID_PATHS = {"/idp/.well-known/openid-configuration": False, "/api/idp/.well-known/openid-configuration": True}
DISCOVERY_PATH = "/api/.well-known/uris"


def build_router() -> Router:
    """All simulated REST routes."""
    router = Router()
    for module in (res_events, res_cameras, res_presets, res_tasks, res_events_api, res_alarms, res_settings):
        module.register(router)
    res_groups.register(router)  # subgroup creates (--subgroup-create): a path the document does not have
    res_generic.register(router)  # last: every other path of the OpenAPI document, without replacing a curated route
    return router


ROUTER = build_router()


def classify(path: str) -> str:
    """rest, idp, discovery, control or other (for a lower-cased path)."""
    trimmed = path.rstrip("/") or "/"
    if trimmed == REST_PREFIX or trimmed.startswith(REST_PREFIX + "/"):
        return "rest"
    if trimmed in TOKEN_PATHS or trimmed in OPENID_PATHS:
        return "idp"
    if trimmed == DISCOVERY_PATH:
        return "discovery"
    if trimmed == "/_simulator" or trimmed.startswith("/_simulator/"):
        return "control"
    if trimmed == websocket.WS_PATH:
        return "ws"
    return "other"


def unauthorized_response(state: SimState) -> web.Response:
    """401 for a missing, unknown or expired bearer token; body per --unauthorized-body (not observed, docs/xprotect-api.md §7)."""
    error = ApiError(401, headers={"WWW-Authenticate": "Bearer"})
    if state.config.unauthorized_body == "empty":
        response = web.Response(status=401)
        response.headers.update(error.headers)
        return response
    return error_response(error)


async def rest_dispatch(request: web.Request, state: SimState) -> web.Response:
    """Authenticate and route one REST request."""
    state.tasks.settle()
    auth = request.headers.get("Authorization", "")
    scheme, _sep, token = auth.partition(" ")
    user = state.tokens.validate(token.strip()) if scheme.lower() == "bearer" and token.strip() else None
    if user is None:
        return unauthorized_response(state)
    try:
        method = request.method.upper()
        if method in WRITE_METHODS and user.role == "operator":
            raise ApiError(403, FORBIDDEN_TEXT)
        segments = split_segments(request.path)
        res_generic.missing_type(state.config, segments)
        handler = ROUTER.resolve(method, segments)
        rest_request = RestRequest(state=state, raw=request, method=method, ids=segments[1::2], user=user,
                                   query=list(request.query.items()))
        return await handler(rest_request)
    except ApiError as error:
        return error_response(error)


async def idp_dispatch(request: web.Request, state: SimState, path: str) -> tuple[web.Response, bool]:
    """Token endpoint or OpenID configuration; returns whether a token was granted."""
    trimmed = path.rstrip("/")
    via_gateway = TOKEN_PATHS.get(trimmed, OPENID_PATHS.get(trimmed, False))
    if via_gateway and not state.config.gateway_idp:
        return html_not_found(), False
    own = state.own_base(request.scheme, request.host)
    idp_base = state.idp_base(own)
    if trimmed in OPENID_PATHS:
        if request.method != "GET":
            return idp.idp_error("invalid_request", 405), False
        return idp.openid_configuration(idp_base), False
    return await idp.token_endpoint(request, state.config, state.tokens, idp_base, windows=state.windows, via_gateway=via_gateway)


def fault_response(rule: Rule) -> web.Response:
    """The gateway error envelope for an injected failure (Retry-After when asked)."""
    headers: dict[str, str] = {}
    if rule.retry_after is not None:
        # Retry-After is delay-seconds (an integer) on the wire; keep fractions only if a test asked for them.
        headers["Retry-After"] = str(int(rule.retry_after)) if rule.retry_after.is_integer() else str(rule.retry_after)
    if rule.status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    return error_response(ApiError(rule.status, headers=headers))


def drop(request: web.Request) -> web.Response:
    """Close the connection without an answer (reset_next).

    The returned response is never delivered: aiohttp's write fails on the aborted transport and it then
    silently treats the request as a client disconnect.
    """
    transport = request.transport
    if transport is not None:
        transport.abort()
    return web.Response(status=500)


async def process(request: web.Request, state: SimState, kind: str, path: str) -> web.Response:
    """The real answer for a REST, IDP or discovery request."""
    if kind == "rest":
        return await rest_dispatch(request, state)
    if kind == "idp":
        response, granted = await idp_dispatch(request, state, path)
        if granted:
            state.stats.token_grants += 1
        return response
    own = state.own_base(request.scheme, request.host)
    if request.method != "GET":
        return json_response({"error": {"httpCode": 405, "details": [{"errorText": "Method Not Allowed"}]}}, 405)
    return idp.well_known_uris(state.config, own, state.idp_base(own), state.gateways(own))


async def handle(request: web.Request) -> web.StreamResponse:
    """Every request enters here."""
    state = request.app[STATE_KEY]
    path = request.path.lower()
    kind = classify(path)
    if kind == "control":
        return await controls.dispatch(request, state)
    if kind == "ws":
        return await websocket.handle(request, state)
    if kind == "other":
        return html_not_found()
    method = request.method.upper()
    status = 0
    if kind == "rest":
        state.stats.enter_rest()
    try:
        if state.latency_seconds > 0:
            await asyncio.sleep(state.latency_seconds)
        rule = state.faults.pick(method, request.path_qs, kind == "rest")
        if rule is None:
            response = await process(request, state, kind, path)
        else:
            if rule.after:  # the request takes effect, but the client never learns it
                await process(request, state, kind, path)
            if rule.kind == "reset":
                LOG.info("%s %s -> connection dropped (fault)", method, request.path_qs)
                return drop(request)
            response = fault_response(rule)
        status = response.status
        if state.config.verbose:
            LOG.info("%s %s -> %s", method, request.path_qs, status)
        return response
    except Exception:  # pylint: disable=broad-exception-caught
        # A simulator bug must not look like a network problem: answer 500 in the gateway envelope and log it.
        LOG.exception("internal error on %s %s", method, request.path_qs)
        status = 500
        return error_response(ApiError(500))
    finally:
        if kind == "rest":
            state.stats.leave_rest()
            state.stats.count_rest(method, template_for(path))
        state.stats.record(kind, method, request.path, request.query_string, status)


def create_app(state: SimState) -> web.Application:
    """The application serving ``state``."""
    app = web.Application(client_max_size=16 * 1024 * 1024)
    app[STATE_KEY] = state
    # [\s\S]: a path with an encoded line break (%0A) is a path like any other, not aiohttp's text/plain 404.
    app.router.add_route("*", r"/{tail:[\s\S]*}", handle)
    return app
