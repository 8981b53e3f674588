"""The Events and State WebSocket API (``/api/ws/events/v1``, 2023 R3+) and its test controls.

What Milestone's EventsAndStateWebSocketApiPython sample and the forum answers it links to show:

* the client connects with ``Authorization: Bearer <token>``; the token is checked when the connection is
  established and never again ("the 'Authenticate' command is not yet supported"), so a connection outlives
  its token;
* commands are JSON objects with a ``command`` and a client ``commandId``; each answer carries that
  ``commandId`` and a ``status`` (and ``error.errorText`` when the status is not 2xx);
* ``startSession`` ``{"sessionId": "", "eventId": ""}`` answers 201 with a new ``sessionId``; given the id of a
  session dropped less than 30 s ago (``--ws-resume-seconds``) and the id of the last event received, it answers
  200, keeps the session's subscriptions and sends every event the client missed; otherwise it answers 201 with a
  new session (the subscriptions must be made again);
* ``addSubscription`` ``{"filters": [{"modifier": "include"|"exclude", "resourceTypes": [...], "sourceIds": [...],
  "eventTypes": [...]}]}`` (``["*"]`` for any) answers ``subscriptionId``; ``removeSubscription`` takes it back;
* ``getState`` answers ``states``: the last stateful event of every source the subscriptions take;
* events come as ``{"events": [{"id", "time", "type", "source", "stategroupid"?, "data"?}, ...]}``.

Controls (no authentication): ``POST /_simulator/ws/drop`` drops every connection (``{"refuse_seconds": S}`` also
refuses new ones for S seconds: a gateway that stays away), ``POST /_simulator/events`` emits events from the
server side (``{"type", "source" | "sources", "count", "rate", "data", "wait"}``), ``GET /_simulator/events?batch=B``
tells how far a batch got and the ids it emitted, ``GET /_simulator/ws`` lists the sessions.
"""

from __future__ import annotations

import asyncio
import collections
import json
import logging
from typing import Any

from aiohttp import WSMsgType, web

from .fields import GUID_RE
from .live import LiveState, Session
from .responses import html_not_found, json_response
from .util import dumps, random_guid

LOG = logging.getLogger("simulator")
WS_PATH = "/api/ws/events/v1"
#: Events sent in one ``{"events": [...]}`` message at most.
BATCH_LIMIT = 500


class Connection:
    """One WebSocket connection: an outbox drained in order by a writer task (answers and events never overtake)."""

    def __init__(self, request: web.Request, socket: web.WebSocketResponse) -> None:
        self.request = request
        self.socket = socket
        self.outbox: collections.deque[tuple[str, Any]] = collections.deque()
        self.wake = asyncio.Event()
        self.session: Session | None = None

    def push_event(self, event: dict[str, Any]) -> None:
        self.outbox.append(("event", event))
        self.wake.set()

    def push_message(self, message: dict[str, Any]) -> None:
        self.outbox.append(("message", message))
        self.wake.set()

    def abort(self) -> None:
        """Drop the connection without a close frame, as a network failure or a recycled gateway does."""
        transport = self.request.transport
        if transport is not None:
            transport.abort()

    async def write(self) -> None:
        while True:
            await self.wake.wait()
            self.wake.clear()
            while self.outbox:
                kind, item = self.outbox.popleft()
                if kind == "message":
                    await self.socket.send_str(dumps(item).decode("utf-8"))
                    continue
                batch = [item]
                while self.outbox and self.outbox[0][0] == "event" and len(batch) < BATCH_LIMIT:
                    batch.append(self.outbox.popleft()[1])
                await self.socket.send_str(dumps({"events": batch}).decode("utf-8"))


def _answer(command_id: Any, status: int, **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"commandId": command_id, "status": status}
    body.update(fields)
    return body


def _failure(command_id: Any, status: int, text: str) -> dict[str, Any]:
    return _answer(command_id, status, error={"errorText": text})


def _check_filters(raw: Any) -> list[dict[str, Any]]:
    """The filters of addSubscription, or ValueError naming what is wrong."""
    if not isinstance(raw, list) or not raw:
        raise ValueError("filters must be a non-empty list")
    filters = []
    for index, entry in enumerate(raw, start=1):
        if not isinstance(entry, dict):
            raise ValueError(f"filter {index} must be an object")
        modifier = entry.get("modifier", "include")
        if modifier not in ("include", "exclude"):
            raise ValueError(f"filter {index}: modifier must be include or exclude, not {modifier!r}")
        clean: dict[str, Any] = {"modifier": modifier}
        for key in ("resourceTypes", "sourceIds", "eventTypes"):
            values = entry.get(key, ["*"])
            if not isinstance(values, list) or not values or not all(isinstance(value, str) and value for value in values):
                raise ValueError(f"filter {index}: {key} must be a non-empty list of strings (or [\"*\"])")
            if key != "resourceTypes" and any(value != "*" and not GUID_RE.match(value) for value in values):
                raise ValueError(f"filter {index}: {key} must hold ids (GUIDs) or \"*\"")
            clean[key] = values
        unknown = sorted(set(entry) - {"modifier", "resourceTypes", "sourceIds", "eventTypes"})
        if unknown:
            raise ValueError(f"filter {index}: unknown key {unknown[0]!r}")
        filters.append(clean)
    return filters


def _start_session(live: LiveState, connection: Connection, command: dict[str, Any], command_id: Any) -> None:
    if connection.session is not None:
        connection.push_message(_failure(command_id, 400, "A session is already started on this connection"))
        return
    wanted = str(command.get("sessionId") or "")
    last_event = str(command.get("eventId") or "").lower()
    session = live.session(wanted)
    if session is None:
        session = live.new_session()
        session.connection = connection
        connection.session = session
        connection.push_message(_answer(command_id, 201, sessionId=session.ident))
        return
    previous = session.connection
    if previous is not None and previous is not connection:
        previous.session = None
    mark = session.detached_mark
    session.connection, session.detached_at = connection, None
    connection.session = session
    connection.push_message(_answer(command_id, 200, sessionId=session.ident))
    # Every event after the last one the client received; without a known event id, those that came while it was away.
    replay_from = next((sequence for sequence, event in session.sent if event["id"] == last_event), None) if last_event else None
    start = replay_from if replay_from is not None else mark
    for sequence, event in session.sent:
        if sequence > start:
            connection.push_event(event)


def _command(live: LiveState, connection: Connection, text: str) -> None:
    try:
        command = json.loads(text)
    except ValueError:
        connection.push_message(_failure(None, 400, "The message is not valid JSON"))
        return
    if not isinstance(command, dict):
        connection.push_message(_failure(None, 400, "A command must be a JSON object"))
        return
    command_id = command.get("commandId")
    name = str(command.get("command", ""))
    if name == "startSession":
        _start_session(live, connection, command, command_id)
        return
    if name.lower() == "authenticate":
        connection.push_message(_failure(command_id, 400, "The 'Authenticate' command is not yet supported"))
        return
    if name not in ("addSubscription", "removeSubscription", "getState"):
        connection.push_message(_failure(command_id, 400, f"Unknown command '{name}'"))
        return
    session = connection.session
    if session is None:
        connection.push_message(_failure(command_id, 400, "Start a session first (startSession)"))
        return
    if name == "addSubscription":
        try:
            filters = _check_filters(command.get("filters"))
        except ValueError as error:
            connection.push_message(_failure(command_id, 400, f"Invalid subscription: {error}"))
            return
        subscription_id = random_guid()
        session.subscriptions[subscription_id] = filters
        connection.push_message(_answer(command_id, 200, subscriptionId=subscription_id))
    elif name == "removeSubscription":
        if session.subscriptions.pop(str(command.get("subscriptionId", "")).lower(), None) is None:
            connection.push_message(_failure(command_id, 404, "Unknown subscriptionId"))
            return
        connection.push_message(_answer(command_id, 200))
    else:
        connection.push_message(_answer(command_id, 200, states=live.current_states(session)))


async def handle(request: web.Request, state: Any) -> web.StreamResponse:
    """``GET /api/ws/events/v1`` (upgraded to a WebSocket)."""
    live: LiveState = state.live
    if not state.config.events_api:
        return html_not_found()
    if live.clock() < live.refuse_until:
        return json_response({"error": {"httpCode": 503, "details": [{"errorText": "Service Unavailable"}]}}, 503)
    auth = request.headers.get("Authorization", "")
    scheme, _sep, token = auth.partition(" ")
    user = state.tokens.validate(token.strip()) if scheme.lower() == "bearer" and token.strip() else None
    if user is None:
        state.stats.record("ws", "GET", request.path, "", 401)
        return json_response({"error": {"httpCode": 401, "details": [{"errorText": "Unauthorized"}]}}, 401,
                             headers={"WWW-Authenticate": "Bearer"})
    socket = web.WebSocketResponse(compress=False, max_msg_size=4 * 1024 * 1024)
    await socket.prepare(request)
    state.stats.record("ws", "GET", request.path, "", 101)
    connection = Connection(request, socket)
    live.connections.add(connection)
    writer = asyncio.create_task(connection.write())
    try:
        async for message in socket:
            if message.type != WSMsgType.TEXT:
                break
            _command(live, connection, message.data)
    except (ConnectionResetError, asyncio.CancelledError):
        pass
    finally:
        writer.cancel()
        live.connections.discard(connection)
        session = connection.session
        if session is not None and session.connection is connection:
            session.connection = None
            session.detached_at = live.clock()
            session.detached_mark = session.sequence
    return socket


# -- controls -------------------------------------------------------------------------------------------

def drop_connections(live: LiveState, refuse_seconds: float = 0.0) -> int:
    """Drop every WebSocket connection (sessions stay resumable); refuse new ones for ``refuse_seconds``."""
    connections = list(live.connections)
    for connection in connections:
        connection.abort()
    if refuse_seconds > 0:
        live.refuse_until = live.clock() + refuse_seconds
    return len(connections)


def _sources(live: LiveState, body: dict[str, Any]) -> list[str]:
    raw = body.get("sources", [body["source"]] if body.get("source") else [])
    if not isinstance(raw, list):
        raise ValueError("sources must be a list of paths such as cameras/<id>")
    sources = []
    for item in raw:
        kind, _sep, ident = str(item).partition("/")
        known = {"cameras": live.store.cameras, "userDefinedEvents": live.store.events, "analyticsEvents": live.analytics_events}
        if kind not in known or ident.lower() not in known[kind]:
            raise ValueError(f"unknown source {item!r} (give cameras/<id>, userDefinedEvents/<id> or analyticsEvents/<id>)")
        sources.append(f"{kind}/{ident.lower()}")
    return sources


async def _emit_batch(live: LiveState, batch: dict[str, Any], type_id: str, sources: list[str], count: int, rate: float,
                      data: dict[str, Any] | None) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()
    emitted = 0
    while emitted < count and live.batches.get(batch["batch"]) is batch:
        due = count if rate <= 0 else min(count, int((loop.time() - started) * rate) + 1)
        while emitted < due:
            event = live.new_event(type_id, sources[emitted % len(sources)], data)
            live.emit(event)
            batch["ids"].append(event["id"])
            emitted += 1
        batch["emitted"] = emitted
        if emitted < count:
            await asyncio.sleep(max(0.0, started + emitted / rate - loop.time()))
    batch["done"] = True


async def emit_control(live: LiveState, body: dict[str, Any]) -> dict[str, Any]:
    """``POST /_simulator/events``: emit ``count`` events of ``type`` from the sources, ``rate`` per second (0: at once)."""
    type_id = str(body.get("type", "")).lower()
    if live.event_type(type_id) is None:
        raise ValueError(f"unknown event type {body.get('type')!r}")
    sources = _sources(live, body)
    if not sources:
        kind = "userDefinedEvents" if type_id in live.store.events else "analyticsEvents" if type_id in live.analytics_events else ""
        if not kind:
            raise ValueError("source or sources is required for this event type")
        sources = [f"{kind}/{type_id}"]
    count, rate = body.get("count", 1), body.get("rate", 0)
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 1_000_000:
        raise ValueError("count must be an integer from 1 to 1000000")
    if isinstance(rate, bool) or not isinstance(rate, (int, float)) or rate < 0:
        raise ValueError("rate must be a number of events per second, 0 for all at once")
    data = body.get("data")
    if data is not None and not isinstance(data, dict):
        raise ValueError("data must be an object")
    batch = {"batch": str(len(live.batches) + 1), "emitted": 0, "done": False, "ids": []}
    live.batches[batch["batch"]] = batch
    task = asyncio.create_task(_emit_batch(live, batch, type_id, sources, count, float(rate), data))
    live.background.add(task)
    task.add_done_callback(live.background.discard)
    if body.get("wait", True):
        await task
    return batch


def sessions_json(live: LiveState) -> list[dict[str, Any]]:
    live.expire_sessions()
    return [{"sessionId": session.ident, "connected": session.connection is not None, "subscriptions": len(session.subscriptions),
             "buffered": len(session.sent)} for session in live.sessions.values()]


async def control(request: web.Request, live: LiveState, parts: list[str], body: dict[str, Any]) -> web.Response | None:
    """The ``/_simulator/events`` and ``/_simulator/ws`` controls; None for any other path (the caller answers 404)."""
    method = request.method
    if parts == ["events"] and method == "POST":
        return json_response(await emit_control(live, body), 202 if not body.get("wait", True) else 200)
    if parts == ["events"] and method == "GET":
        batch = live.batches.get(request.query.get("batch", ""))
        if batch is None:
            return json_response({"error": "unknown batch"}, 404)
        return json_response(batch)
    if parts == ["ws", "drop"] and method == "POST":
        seconds = body.get("refuse_seconds", 0)
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds < 0:
            raise ValueError("refuse_seconds must be a number of seconds >= 0")
        return json_response({"dropped": drop_connections(live, float(seconds))})
    if parts == ["ws"] and method == "GET":
        return json_response({"sessions": sessions_json(live), "connections": len(live.connections)})
    return None
