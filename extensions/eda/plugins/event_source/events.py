# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""milestone.xprotect.events: XProtect events, live, from the Events and State WebSocket API of the API Gateway.

How it keeps the stream whole (docs/xprotect-api.md §11):

* every connection gets a fresh token from the identity provider: the gateway checks a token only when the
  connection is made, so a long-lived connection outlives its token, and a reconnection needs a new one;
* after a drop it reconnects with exponential backoff and resumes its session (``startSession`` with the session
  id and the id of the last event received): within the server's resume window (30 s) the server sends every
  event that was missed, and the subscriptions stay;
* when the session cannot be resumed (the server was away too long, or restarted), it starts a new session,
  subscribes again and puts a marker event ``{"xprotect_meta": {"gap": true, ...}}`` on the queue first, so rules
  can tell that events may have been lost;
* events are delivered once: the ids of recent events are remembered, and a replayed event is dropped.

Names (event type, source, state group, state) are looked up once through the Config REST API and cached.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import json
import logging
import os
import random
import ssl
import sys
import time
import typing as t

DOCUMENTATION = r'''
---
short_description: Receive XProtect events from the Events and State WebSocket API of the API Gateway
description:
  - Subscribes to the events of an XProtect VMS (2023 R3 and later) and puts each one on the rulebook's queue as
    C({"xprotect": {...}}), with the ids and names of its event type, source and state group.
  - Reconnects with backoff after a drop, with a fresh token for every connection, and resumes its session so no
    event is lost across a drop shorter than the server's resume window (30 s). When events may have been lost, a
    marker event C({"xprotect_meta": {"gap": true}}) comes first. No event is delivered twice.
  - Filters are given by name (event names, camera names, camera groups) and resolved to ids once, at start.
  - The connection options are those of the collection's modules; each falls back to its C(XPROTECT_*) environment variable.
options:
  server_url:
    description: URL of the XProtect API Gateway, for example C(https://vms.example.com).
    type: str
    required: true
  username:
    description: An XProtect basic user (or a Windows user with O(auth_type=windows)).
    type: str
  password:
    description: The password of O(username).
    type: str
  auth_type:
    description: C(basic) or C(windows).
    type: str
    default: basic
  access_token:
    description:
      - A token to connect with when no O(username) is given. It is used as is, so once it expires a reconnection
        fails; give O(username) and O(password) for a long-running rulebook.
    type: str
  validate_certs:
    description: Verify the server's TLS certificate.
    type: bool
    default: true
  ca_path:
    description: PEM file of the CA that signed the server's certificate.
    type: str
  timeout:
    description: Seconds to wait for the server to answer a request or a command.
    type: float
    default: 30
  filters:
    description:
      - The subscription. Each entry includes (or with C(modifier=exclude) excludes) the events that match all of its
        keys; a key left out matches anything.
      - C(event_types) are names or ids of event types, user-defined events or analytics events.
      - C(sources) are camera names or ids, or source paths such as C(outputs/<id>); C(camera_groups) are camera group
        names or ids, whose cameras (subgroups included) become sources.
      - C(resource_types) are source types such as C(cameras), C(userDefinedEvents), C(outputs).
      - Without O(filters), every event.
    type: list
    elements: dict
  include_state:
    description:
      - After each new session, put the current state of every source the subscription covers on the queue,
        as C({"xprotect_state": {...}}), so rules can act on a state that started before the rulebook.
    type: bool
    default: false
  reconnect_delay:
    description: Seconds before the first reconnection attempt; doubled (with jitter) after each failure.
    type: float
    default: 1
  max_reconnect_delay:
    description: The longest wait between reconnection attempts. Keep it well below 30 s, so a session can still be resumed.
    type: float
    default: 8
  heartbeat:
    description: Seconds between WebSocket pings; a connection that stops answering is dropped and resumed.
    type: float
    default: 30
  name_cache_seconds:
    description: How long a looked-up name is kept.
    type: float
    default: 300
requirements:
  - aiohttp (extensions/eda/requirements.txt)
  - requests
'''

EXAMPLES = r'''
- name: React to XProtect events
  hosts: localhost
  sources:
    - milestone.xprotect.events:
        server_url: https://vms.example.com
        username: eda
        password: "{{ xprotect_password }}"
        ca_path: /etc/pki/xprotect-ca.pem
        filters:
          - event_types: [Door forced, Motion Started]
            camera_groups: [Entrance]
          - modifier: exclude
            sources: [Entrance 0004]
        include_state: true
  rules:
    - name: A door was forced
      condition: event.xprotect.type_name == "Door forced"
      action:
        debug:
'''

LOG = logging.getLogger('milestone.xprotect.events')
WS_PATH = '/api/ws/events/v1'
RECENT_IDS = 100_000
BATCH_LIMIT = 1000


def import_client() -> t.Any:
    """The collection's API client; the rulebook runs this file by path, so the collection may not be importable yet."""
    try:
        from ansible_collections.milestone.xprotect.plugins.module_utils import _client  # pylint: disable=import-outside-toplevel
    except ImportError:
        here = os.path.dirname(os.path.abspath(globals().get('__file__') or '.'))
        root = os.path.normpath(os.path.join(here, *([os.pardir] * 7)))
        if root not in sys.path:
            sys.path.insert(0, root)
        from ansible_collections.milestone.xprotect.plugins.module_utils import _client  # pylint: disable=import-outside-toplevel
    return _client


def option(args: t.Mapping[str, t.Any], name: str, default: t.Any = None) -> t.Any:
    """A source argument, else its XPROTECT_* environment variable, else ``default``."""
    value = args.get(name)
    if value is None or value == '':
        value = os.environ.get(f'XPROTECT_{name.upper()}')
    return default if value is None or value == '' else value


def as_bool(value: t.Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ('1', 'true', 'yes', 'on')
    return bool(value)


def connection_settings(args: t.Mapping[str, t.Any]) -> t.Any:
    """The client's ConnectionSettings from the source arguments."""
    client = import_client()
    return client.ConnectionSettings(
        server_url=str(option(args, 'server_url', '')),
        username=option(args, 'username'),
        password=option(args, 'password'),
        auth_type=str(option(args, 'auth_type', 'basic')),
        validate_certs=as_bool(option(args, 'validate_certs', True)),
        ca_path=option(args, 'ca_path'),
        timeout=float(option(args, 'timeout', 30)),
        retries=int(option(args, 'retries', 3)),
        access_token=option(args, 'access_token'),
    )


def build_client(args: t.Mapping[str, t.Any]) -> t.Any:
    client = import_client()
    return client.XProtectClient(connection_settings(args))


def websocket_url(client: t.Any) -> str:
    """``wss://<gateway>/api/ws/events/v1`` for the client's REST root ``https://<gateway>/api/rest/v1``."""
    client.idp.discover()
    rest = client.rest_url
    base = rest[:-len('/api/rest/v1')] if rest.lower().endswith('/api/rest/v1') else rest.rstrip('/')
    scheme, _sep, rest_of = base.partition('://')
    return ('wss' if scheme == 'https' else 'ws') + '://' + rest_of + WS_PATH


def fresh_token(client: t.Any) -> str:
    """A new token from the identity provider for each connection (the gateway checks it only at connect)."""
    if client.tokens.can_login:
        return client.tokens.login().value
    return client.tokens.token()


class RecentIds:
    """The ids of the most recent events, to drop an event that is delivered again after a resume."""

    def __init__(self, limit: int = RECENT_IDS) -> None:
        self.limit = limit
        self._ids: collections.OrderedDict[str, None] = collections.OrderedDict()

    def add(self, ident: str) -> bool:
        """False if the id was seen already."""
        if ident in self._ids:
            return False
        self._ids[ident] = None
        if len(self._ids) > self.limit:
            self._ids.popitem(last=False)
        return True


class Names:
    """Display names of event types, sources and state groups, read once and kept ``ttl`` seconds."""

    def __init__(self, client: t.Any, ttl: float = 300.0, clock: t.Callable[[], float] = time.monotonic) -> None:
        self.client = client
        self.ttl = ttl
        self.clock = clock
        self._cache: dict[str, tuple[float, dict[str, t.Any]]] = {}

    def _put(self, path: str, value: dict[str, t.Any]) -> None:
        self._cache[path.lower()] = (self.clock(), value)

    def known(self, path: str) -> dict[str, t.Any] | None:
        entry = self._cache.get(path.lower())
        if entry is None or self.clock() - entry[0] > self.ttl:
            return None
        return entry[1]

    def preload(self) -> None:
        """Every event type and state group in two requests (most events then need no look-up at all)."""
        for path in ('eventTypes', 'stateGroups'):
            try:
                for item in self.client.list(path, action=f'list the {path}'):
                    self._put(f"{path}/{item.get('id', '')}", item)
            except Exception as error:  # pylint: disable=broad-except  # names are a nicety: never stop the stream for them
                LOG.warning('could not read %s for names: %s', path, error)

    def fetch(self, paths: t.Iterable[str]) -> None:
        """Read the objects behind ``paths`` (one GET each); an unknown one is cached empty, so it is asked once per ttl."""
        for path in paths:
            try:
                self._put(path, self.client.get_data(path, action=f'read {path}'))
            except Exception as error:  # pylint: disable=broad-except  # same: a name is not worth a lost event
                LOG.debug('no name for %s: %s', path, error)
                self._put(path, {})

    @staticmethod
    def paths_of(event: t.Mapping[str, t.Any]) -> list[str]:
        paths = [f"eventTypes/{event.get('type', '')}"]
        if event.get('source') and '/' in str(event['source']):
            paths.append(str(event['source']))
        if event.get('stategroupid'):
            paths.append(f"stateGroups/{event['stategroupid']}")
        return paths

    def missing(self, events: t.Iterable[t.Mapping[str, t.Any]]) -> list[str]:
        return sorted({path for event in events for path in self.paths_of(event) if self.known(path) is None})

    def name(self, path: str, key: str = 'displayName') -> str:
        found = self.known(path) or {}
        return str(found.get(key) or found.get('name') or '') if key == 'displayName' else str(found.get(key) or '')


def shape(event: t.Mapping[str, t.Any], names: Names) -> dict[str, t.Any]:
    """The event as rules see it: the server's fields plus the names behind its ids."""
    source = str(event.get('source') or '')
    kind, _sep, ident = source.partition('/')
    type_path = f"eventTypes/{event.get('type', '')}"
    group = str(event.get('stategroupid') or '')
    return {
        'id': event.get('id'),
        'time': event.get('time'),
        'type': event.get('type'),
        'type_name': names.name(type_path),
        'source': source,
        'source_type': kind,
        'source_id': ident,
        'source_name': names.name(source) if ident else '',
        'stategroupid': group,
        'state_group_name': names.name(f'stateGroups/{group}') if group else '',
        'state_name': names.name(type_path, 'state') if group else '',
        'data': event.get('data') or {},
    }


# -- filters -------------------------------------------------------------------------------------------

FILTER_KEYS = {'modifier', 'event_types', 'sources', 'camera_groups', 'resource_types'}


def resolve_filters(client: t.Any, raw: t.Any) -> list[dict[str, t.Any]]:
    """The subscription filters with names resolved to ids (done once, at start). ValueError names every problem."""
    from ansible_collections.milestone.xprotect.plugins.module_utils import _cameras, _event_types  # pylint: disable=import-outside-toplevel

    if not raw:
        return [{'modifier': 'include', 'resourceTypes': ['*'], 'sourceIds': ['*'], 'eventTypes': ['*']}]
    if not isinstance(raw, list) or not all(isinstance(entry, dict) for entry in raw):
        raise ValueError('filters must be a list of dictionaries (keys modifier, event_types, sources, camera_groups, resource_types)')
    problems: list[str] = []
    resolved = []
    for number, entry in enumerate(raw, start=1):
        unknown = sorted(set(entry) - FILTER_KEYS)
        if unknown:
            problems.append(f"filter {number}: unknown key {unknown[0]} (use {', '.join(sorted(FILTER_KEYS))})")
            continue
        modifier = entry.get('modifier', 'include')
        if modifier not in ('include', 'exclude'):
            problems.append(f'filter {number}: modifier must be include or exclude, not {modifier}')
        event_types, sources = ['*'], ['*']
        try:
            if entry.get('event_types'):
                event_types = [_event_types.resolve_event_type(client, str(name))['id'] for name in entry['event_types']]
            if entry.get('sources') or entry.get('camera_groups'):
                sources = []
                for reference in entry.get('sources') or []:
                    sources.append(_event_types.resolve_source(client, str(reference))['path'].partition('/')[2])
                for group in entry.get('camera_groups') or []:
                    _found, group_ids = _cameras.find_camera_group(client, str(group))
                    members = _cameras.group_cameras(client, group_ids, include_disabled=True)
                    sources.extend(_cameras.camera_id(camera) for camera in members)
                sources = list(dict.fromkeys(sources)) or ['00000000-0000-0000-0000-000000000000']
        except Exception as error:  # pylint: disable=broad-except  # reported with the filter it belongs to
            problems.append(f'filter {number}: {error}')
            continue
        resolved.append({'modifier': modifier, 'resourceTypes': [str(kind) for kind in entry.get('resource_types') or ['*']],
                         'sourceIds': sources, 'eventTypes': event_types})
    if problems:
        raise ValueError('; '.join(problems))
    return resolved


# -- the WebSocket --------------------------------------------------------------------------------------

class CommandError(Exception):
    """A command answered with a status outside 2xx."""


class AiohttpSocket:
    """The aiohttp WebSocket behind the small interface the stream uses (tests give a fake one)."""

    def __init__(self, socket: t.Any) -> None:
        self.socket = socket

    async def send(self, message: dict[str, t.Any]) -> None:
        await self.socket.send_str(json.dumps(message))

    def __aiter__(self) -> t.AsyncIterator[dict[str, t.Any]]:
        return self._messages()

    async def _messages(self) -> t.AsyncIterator[dict[str, t.Any]]:
        import aiohttp  # pylint: disable=import-outside-toplevel

        async for message in self.socket:
            if message.type == aiohttp.WSMsgType.TEXT:
                yield json.loads(message.data)
            elif message.type in (aiohttp.WSMsgType.ERROR, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.CLOSE):
                break


class AiohttpConnector:
    """Opens WebSocket connections with aiohttp, with the TLS settings of the client."""

    def __init__(self, settings: t.Any, heartbeat: float) -> None:
        self.settings = settings
        self.heartbeat = heartbeat

    def ssl_context(self) -> t.Any:
        if not self.settings.validate_certs:
            return False
        if self.settings.ca_path:
            return ssl.create_default_context(cafile=self.settings.ca_path)
        return True

    @contextlib.asynccontextmanager
    async def connect(self, url: str, token: str) -> t.AsyncIterator[AiohttpSocket]:
        try:
            import aiohttp  # pylint: disable=import-outside-toplevel
        except ImportError as error:
            raise RuntimeError('milestone.xprotect.events needs the Python library aiohttp (pip install -r '
                               'extensions/eda/requirements.txt of the collection)') from error
        timeout = aiohttp.ClientTimeout(total=None, connect=self.settings.timeout, sock_connect=self.settings.timeout)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            async with session.ws_connect(url, headers={'Authorization': f'Bearer {token}'}, ssl=self.ssl_context(),
                                          heartbeat=self.heartbeat or None, max_msg_size=0, autoping=True) as socket:
                yield AiohttpSocket(socket)


class EventStream:  # pylint: disable=too-many-instance-attributes
    """One subscription kept alive across connections (module docstring)."""

    def __init__(self, args: t.Mapping[str, t.Any], queue: t.Any, *, client: t.Any = None, connector: t.Any = None,
                 sleep: t.Callable[[float], t.Awaitable[None]] = asyncio.sleep, clock: t.Callable[[], float] = time.monotonic) -> None:
        self.args = dict(args)
        self.queue = queue
        self.client = client if client is not None else build_client(args)
        self.connector = connector if connector is not None else AiohttpConnector(self.client.settings, float(args.get('heartbeat', 30)))
        self.sleep = sleep
        self.clock = clock
        self.include_state = as_bool(args.get('include_state', False))
        self.reconnect_delay = float(args.get('reconnect_delay', 1.0))
        self.max_reconnect_delay = float(args.get('max_reconnect_delay', 8.0))
        self.command_timeout = float(self.client.settings.timeout)
        self.names = Names(self.client, float(args.get('name_cache_seconds', 300)), clock=clock)
        self.recent = RecentIds()
        self.filters: list[dict[str, t.Any]] = []
        self.session_id = ''
        self.last_event_id = ''
        self.disconnected_at: float | None = None
        self._gap_reported = False
        self._pending: dict[int, asyncio.Future] = {}
        self._next_command = 0
        #: Counters for logs, tests and the benchmark.
        self.counts = {'connections': 0, 'resumed': 0, 'new_sessions': 0, 'gaps': 0, 'events': 0, 'duplicates': 0}

    # -- start ------------------------------------------------------------------------------------------

    async def prepare(self) -> None:
        """Resolve the filters and read the names, once; bad settings or filters stop the source here."""
        self.filters = await asyncio.to_thread(resolve_filters, self.client, self.args.get('filters'))
        await asyncio.to_thread(self.names.preload)

    async def run(self) -> None:
        await self.prepare()
        delay = self.reconnect_delay
        while True:
            established = False
            try:
                established = await self.connect_once()
            except asyncio.CancelledError:
                raise
            except Exception as error:  # pylint: disable=broad-except  # every failure leads to a reconnection
                if self.counts['connections'] == 0 and self._is_fatal(error):
                    raise
                LOG.warning('XProtect event stream: %s; reconnecting in %.1f s', self.client.redact(str(error)) or type(error).__name__, delay)
            if self.disconnected_at is None:
                self.disconnected_at = self.clock()
            if established:
                delay = self.reconnect_delay
            await self.sleep(delay * (1 + random.random() / 4))
            delay = min(delay * 2, self.max_reconnect_delay)

    @staticmethod
    def _is_fatal(error: Exception) -> bool:
        """Bad credentials or settings at the first connection: stop, the rulebook's operator must fix them."""
        import_client()
        from ansible_collections.milestone.xprotect.plugins.module_utils._errors import (  # pylint: disable=import-outside-toplevel
            AuthenticationError,
            ConfigurationError,
        )
        return isinstance(error, (AuthenticationError, ConfigurationError))

    # -- one connection ------------------------------------------------------------------------------------

    async def connect_once(self) -> bool:
        """Connect, start or resume the session, and deliver events until the connection ends; True if it got that far."""
        url = await asyncio.to_thread(websocket_url, self.client)
        token = await asyncio.to_thread(fresh_token, self.client)
        async with self.connector.connect(url, token) as socket:
            self.counts['connections'] += 1
            reader = asyncio.create_task(self._read(socket))
            try:
                await self._start(socket, reader)
                await reader
            finally:
                if not reader.done():
                    reader.cancel()
                    with contextlib.suppress(asyncio.CancelledError, Exception):
                        await reader
                for future in self._pending.values():
                    if not future.done():
                        future.set_exception(ConnectionError('the connection closed before the answer came'))
                self._pending.clear()
        return True

    async def _start(self, socket: t.Any, reader: asyncio.Task) -> None:
        answer = await self.command(socket, reader, {'command': 'startSession', 'sessionId': self.session_id, 'eventId': self.last_event_id})
        away = self.clock() - self.disconnected_at if self.disconnected_at is not None else 0.0
        if answer.get('status') == 200 and self.session_id:
            self.counts['resumed'] += 1
            LOG.info('XProtect event stream: session %s resumed after %.1f s', self.session_id, away)
            self.disconnected_at = None
            return
        previous = self.session_id
        session_id = str(answer.get('sessionId') or '')
        self.counts['new_sessions'] += 1
        if previous and not self._gap_reported:
            # Before subscribing: no event of the new session can come ahead of the marker.
            self.counts['gaps'] += 1
            self._gap_reported = True
            await self.queue.put({'xprotect_meta': {
                'gap': True, 'resumed': False, 'session_id': session_id, 'previous_session_id': previous,
                'last_event_id': self.last_event_id, 'disconnected_seconds': round(away, 3),
                'reason': 'the session could not be resumed (the server keeps a dropped session about 30 s, or it restarted); '
                          'events between the drop and now may be missing'}})
        await self.command(socket, reader, {'command': 'addSubscription', 'filters': self.filters})
        # Kept only once subscribed: a session without the subscription must never be resumed.
        self.session_id, self._gap_reported, self.disconnected_at = session_id, False, None
        if self.include_state:
            states = await self.command(socket, reader, {'command': 'getState'})
            await self._deliver(states.get('states') or [], key='xprotect_state', dedupe=False)

    async def command(self, socket: t.Any, reader: asyncio.Task, body: dict[str, t.Any]) -> dict[str, t.Any]:
        """Send a command and wait for its answer (events keep flowing meanwhile); CommandError for a non-2xx status."""
        self._next_command += 1
        command_id = self._next_command
        future = asyncio.get_running_loop().create_future()
        self._pending[command_id] = future
        await socket.send({**body, 'commandId': command_id})
        done, _pending = await asyncio.wait({future, reader}, timeout=self.command_timeout, return_when=asyncio.FIRST_COMPLETED)
        if future not in done:
            self._pending.pop(command_id, None)
            if reader in done:
                reader.result()
                raise ConnectionError(f"the connection closed before the answer to {body['command']}")
            raise TimeoutError(f"no answer to {body['command']} within {self.command_timeout:g} s")
        answer = future.result()
        status = answer.get('status')
        if not isinstance(status, int) or not 200 <= status < 300:
            text = (answer.get('error') or {}).get('errorText') if isinstance(answer.get('error'), dict) else answer.get('error')
            raise CommandError(f"{body['command']} failed with status {status}: {text}")
        return answer

    async def _read(self, socket: t.Any) -> None:
        async for message in socket:
            if not isinstance(message, dict):
                continue
            if 'events' in message:
                await self._deliver(message.get('events') or [])
            elif 'commandId' in message:
                future = self._pending.pop(message.get('commandId'), None)
                if future is not None and not future.done():
                    future.set_result(message)

    async def _deliver(self, events: t.Sequence[dict[str, t.Any]], key: str = 'xprotect', dedupe: bool = True) -> None:
        fresh = []
        for event in events:
            if not isinstance(event, dict):
                continue
            ident = str(event.get('id') or '')
            if dedupe and ident and not self.recent.add(ident):
                self.counts['duplicates'] += 1
                continue
            fresh.append(event)
        missing = self.names.missing(fresh)
        if missing:
            await asyncio.to_thread(self.names.fetch, missing)
        for event in fresh:
            await self.queue.put({key: shape(event, self.names)})
            if key == 'xprotect':
                self.counts['events'] += 1
                if event.get('id'):
                    self.last_event_id = str(event['id'])


async def main(queue: t.Any, args: dict[str, t.Any]) -> None:
    """The entry point ansible-rulebook calls."""
    await EventStream(args, queue).run()


if __name__ == '__main__':
    class _PrintQueue:
        async def put(self, event: t.Any) -> None:
            print(json.dumps(event))

    asyncio.run(main(_PrintQueue(), {}))
