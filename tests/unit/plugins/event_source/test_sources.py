# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The EDA sources milestone.xprotect.events and milestone.xprotect.alarms on an asyncio queue, with a scripted server.

The WebSocket is a fake that answers the commands as the Events and State API does (docs/xprotect-api.md §11) and
lets a test push events, drop the connection or forget the session; the REST client is a fake too. No network.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import os
import typing as t

import pytest

TYPE = '6eb95dd6-7ccc-4bce-99f8-af0d0b582d77'
GROUP = '53b40c77-cf48-42a2-a432-db65ae3afc7a'
CAMERA = 'cameras/0c8e1d90-5b1e-4c43-9d7b-2a6f3f6f8a52'


def plugin(name: str) -> dict[str, t.Any]:
    spec = importlib.util.find_spec('ansible_collections.milestone.xprotect')
    assert spec is not None and spec.submodule_search_locations
    root = list(spec.submodule_search_locations)[0]
    path = os.path.join(root, 'extensions', 'eda', 'plugins', 'event_source', f'{name}.py')
    # Loaded by path, as ansible-rulebook does (runpy would hand the path to the collection loader's path hook here).
    loaded = importlib.util.spec_from_file_location(f'milestone_xprotect_eda_{name}', path)
    assert loaded is not None and loaded.loader is not None
    module = importlib.util.module_from_spec(loaded)
    loaded.loader.exec_module(module)
    return vars(module)


class Settings:
    timeout = 5.0
    validate_certs = True
    ca_path = None


class Tokens:
    can_login = True

    def __init__(self) -> None:
        self.logins = 0

    def login(self) -> t.Any:
        self.logins += 1
        return type('Token', (), {'value': f'token-{self.logins}'})()

    def token(self) -> str:
        return 'given'


class FakeClient:
    """What the sources use of the collection's client."""

    settings = Settings()
    rest_url = 'https://vms.example.com/api/rest/v1'

    def __init__(self, alarms: list[list[dict[str, t.Any]]] | None = None) -> None:
        self.tokens = Tokens()
        self.idp = type('Idp', (), {'discover': staticmethod(lambda: None)})()
        self.alarm_answers = list(alarms or [])
        self.alarm_params: list[t.Any] = []
        self.gets: list[str] = []

    @staticmethod
    def redact(text: str) -> str:
        return text

    def list(self, path: str, *, params: t.Any = None, action: str = '') -> list[dict[str, t.Any]]:
        if path == 'eventTypes':
            return [{'id': TYPE, 'displayName': 'Motion Started', 'state': 'Motion', 'stateGroupId': GROUP}]
        if path == 'stateGroups':
            return [{'id': GROUP, 'displayName': 'Motion'}]
        if path == 'alarms':
            self.alarm_params.append(params)
            return self.alarm_answers.pop(0) if len(self.alarm_answers) > 1 else self.alarm_answers[0]
        raise AssertionError(path)

    def get_data(self, path: str, *, action: str = '') -> dict[str, t.Any]:
        self.gets.append(path)
        if path == CAMERA:
            return {'displayName': 'Entrance 0004'}
        raise KeyError(path)


class FakeServer:
    """The Events and State API of one gateway: sessions, their events, drops."""

    def __init__(self) -> None:
        self.sessions: dict[str, list[dict[str, t.Any]]] = {}
        self.tokens: list[str] = []
        self.socket: FakeSocket | None = None
        self.connected = asyncio.Event()
        self.fail_next_subscription = False
        self.created = 0

    @contextlib.asynccontextmanager
    async def connect(self, url: str, token: str) -> t.AsyncIterator['FakeSocket']:
        assert url == 'wss://vms.example.com/api/ws/events/v1'
        self.tokens.append(token)
        self.socket = FakeSocket(self)
        self.connected.set()
        yield self.socket

    async def push(self, *events: dict[str, t.Any]) -> None:
        """Events of every session; the connected one gets them now."""
        for log in self.sessions.values():
            log.extend(events)
        if self.socket is not None:
            await self.socket.inbox.put({'events': list(events)})

    async def drop(self) -> None:
        self.connected.clear()
        if self.socket is not None:
            await self.socket.inbox.put(None)
            self.socket = None


class FakeSocket:
    def __init__(self, server: FakeServer) -> None:
        self.server = server
        self.inbox: asyncio.Queue = asyncio.Queue()
        self.session = ''

    async def send(self, message: dict[str, t.Any]) -> None:
        command, command_id = message['command'], message['commandId']
        if command == 'startSession':
            if message['sessionId'] in self.server.sessions:
                self.session = message['sessionId']
                await self.inbox.put({'commandId': command_id, 'status': 200, 'sessionId': self.session})
                log = self.server.sessions[self.session]
                ids = [event['id'] for event in log]
                start = ids.index(message['eventId']) + 1 if message['eventId'] in ids else 0
                if log[start:]:
                    await self.inbox.put({'events': log[start:]})
                return
            self.server.created += 1
            self.session = f'session-{self.server.created}'
            self.server.sessions[self.session] = []
            await self.inbox.put({'commandId': command_id, 'status': 201, 'sessionId': self.session})
        elif command == 'addSubscription':
            if self.server.fail_next_subscription:
                self.server.fail_next_subscription = False
                await self.inbox.put({'commandId': command_id, 'status': 400, 'error': {'errorText': 'Invalid subscription'}})
                return
            await self.inbox.put({'commandId': command_id, 'status': 200, 'subscriptionId': 'subscription-1'})
        elif command == 'getState':
            await self.inbox.put({'commandId': command_id, 'status': 200, 'states': [event(99)]})

    def __aiter__(self) -> 'FakeSocket':
        return self

    async def __anext__(self) -> dict[str, t.Any]:
        message = await self.inbox.get()
        if message is None:
            raise StopAsyncIteration
        return message


def event(number: int) -> dict[str, t.Any]:
    return {'id': f'event-{number}', 'time': '2026-11-21T19:41:07.1230000Z', 'type': TYPE, 'source': CAMERA, 'stategroupid': GROUP}


async def no_sleep(_seconds: float) -> None:
    await asyncio.sleep(0)


class Harness:
    def __init__(self, args: dict[str, t.Any] | None = None) -> None:
        self.queue: asyncio.Queue = asyncio.Queue()
        self.server = FakeServer()
        self.client = FakeClient()
        self.stream = plugin('events')['EventStream'](dict(args or {}), self.queue, client=self.client, connector=self.server, sleep=no_sleep)
        self.task: asyncio.Task | None = None

    async def start(self) -> None:
        self.task = asyncio.create_task(self.stream.run())
        await self.subscribed()

    async def subscribed(self) -> None:
        await asyncio.wait_for(self.server.connected.wait(), 5)
        for _attempt in range(200):
            if self.stream.counts['resumed'] + self.stream.counts['new_sessions'] >= self.stream.counts['connections'] > 0:
                await asyncio.sleep(0.01)
                return
            await asyncio.sleep(0.01)

    async def take(self, count: int) -> list[dict[str, t.Any]]:
        return [await asyncio.wait_for(self.queue.get(), 5) for _number in range(count)]

    async def stop(self) -> None:
        assert self.task is not None
        self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.task


def test_events_get_their_names_and_a_repeated_event_is_delivered_once():
    async def scenario() -> list[dict[str, t.Any]]:
        harness = Harness()
        await harness.start()
        await harness.server.push(event(1), event(2))
        await harness.server.socket.inbox.put({'events': [event(2), event(3)]})  # event 2 again
        items = await harness.take(3)
        assert harness.queue.empty() and harness.stream.counts['duplicates'] == 1
        await harness.stop()
        return items

    items = asyncio.run(scenario())
    assert [item['xprotect']['id'] for item in items] == ['event-1', 'event-2', 'event-3']
    first = items[0]['xprotect']
    assert (first['type_name'], first['source_name'], first['state_group_name'], first['state_name']) == (
        'Motion Started', 'Entrance 0004', 'Motion', 'Motion')
    assert (first['source_type'], first['source_id']) == ('cameras', CAMERA.split('/')[1])


def test_a_drop_is_resumed_with_the_last_event_id_a_fresh_token_and_no_event_twice():
    async def scenario() -> tuple[list[dict[str, t.Any]], Harness]:
        harness = Harness()
        await harness.start()
        await harness.server.push(event(1), event(2))
        await harness.take(2)
        await harness.server.drop()
        # Missed while away; the server replays from the last event the client names.
        for log in harness.server.sessions.values():
            log.extend([event(3), event(4)])
        await harness.subscribed()
        items = await harness.take(2)
        await asyncio.sleep(0.05)
        assert harness.queue.empty()
        await harness.stop()
        return items, harness

    items, harness = asyncio.run(scenario())
    assert [item['xprotect']['id'] for item in items] == ['event-3', 'event-4']
    assert harness.server.tokens == ['token-1', 'token-2'], 'a new token for every connection'
    assert harness.stream.counts['resumed'] == 1 and harness.stream.counts['gaps'] == 0


def test_a_session_the_server_forgot_gives_a_gap_marker_before_the_new_events():
    async def scenario() -> list[dict[str, t.Any]]:
        harness = Harness({'include_state': True})
        await harness.start()
        state = await harness.take(1)
        await harness.server.push(event(1))
        await harness.take(1)
        await harness.server.drop()
        harness.server.sessions.clear()  # gone longer than the resume window
        await harness.subscribed()
        items = state + await harness.take(2)
        await harness.server.push(event(5))
        items += await harness.take(1)
        await harness.stop()
        return items

    items = asyncio.run(scenario())
    assert items[0]['xprotect_state']['id'] == 'event-99'
    marker = items[1]['xprotect_meta']
    assert marker['gap'] is True and marker['previous_session_id'] == 'session-1' and marker['session_id'] == 'session-2'
    assert marker['last_event_id'] == 'event-1'
    assert 'xprotect_state' in items[2] and items[3]['xprotect']['id'] == 'event-5'


def test_a_refused_command_leads_to_a_reconnection():
    async def scenario() -> dict[str, int]:
        harness = Harness()
        harness.server.fail_next_subscription = True
        harness.task = asyncio.create_task(harness.stream.run())
        for _attempt in range(300):
            if harness.stream.counts['connections'] >= 2 and harness.stream.counts['new_sessions'] >= 2:
                break
            await asyncio.sleep(0.01)
        await harness.stop()
        return dict(harness.stream.counts)

    counts = asyncio.run(scenario())
    assert counts['connections'] >= 2 and counts['new_sessions'] >= 2


def test_recent_ids_forget_the_oldest():
    recent = plugin('events')['RecentIds'](limit=2)
    assert recent.add('a') and recent.add('b') and not recent.add('a')
    assert recent.add('c') and recent.add('a')


def test_filters_without_names_take_every_event():
    assert plugin('events')['resolve_filters'](FakeClient(), None) == [
        {'modifier': 'include', 'resourceTypes': ['*'], 'sourceIds': ['*'], 'eventTypes': ['*']}]
    with pytest.raises(ValueError, match='unknown key colour'):
        plugin('events')['resolve_filters'](FakeClient(), [{'colour': 'red'}])


# -- milestone.xprotect.alarms ------------------------------------------------------------------------------

def alarm(ident: str, modified: str, state: str = 'New') -> dict[str, t.Any]:
    return {'id': ident, 'name': f'alarm {ident}', 'lastModified': modified, 'stateName': state}


def test_alarm_poller_emits_new_and_changed_once_and_reads_from_its_high_water_mark():
    baseline = [alarm('a', '2026-11-21T10:00:00.0000000Z')]
    answers = [baseline,
               baseline + [alarm('b', '2026-11-21T10:00:05.0000000Z')],
               [alarm('a', '2026-11-21T10:00:09.5000000Z', 'Closed'), alarm('b', '2026-11-21T10:00:05.0000000Z')],
               [alarm('a', '2026-11-21T10:00:09.5000000Z', 'Closed')]]
    client = FakeClient(alarms=answers)

    async def scenario() -> list[dict[str, t.Any]]:
        queue: asyncio.Queue = asyncio.Queue()
        poller = plugin('alarms')['AlarmPoller']({'interval': 1, 'overlap': 2}, queue, client=client, sleep=no_sleep)
        await poller.poll(baseline=True)
        for _poll in range(3):
            await poller.poll()
        return [queue.get_nowait() for _item in range(queue.qsize())]

    items = asyncio.run(scenario())
    assert [(item['xprotect_alarm']['id'], item['xprotect_alarm']['change']) for item in items] == [('b', 'new'), ('a', 'changed')]
    assert client.alarm_params[0] == []
    assert client.alarm_params[1] == [('lastModified', "gt:'2026-11-21T09:59:58.0000000Z'")]
    assert client.alarm_params[3] == [('lastModified', "gt:'2026-11-21T10:00:07.5000000Z'")]


def test_shift_keeps_the_server_timestamp_form():
    shift = plugin('alarms')['shift']
    assert shift('2026-01-01T00:00:01.2500000Z', -2) == '2025-12-31T23:59:59.2500000Z'
    assert shift('not a time', 5) == 'not a time'
