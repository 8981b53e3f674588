# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Event-Driven Ansible sources milestone.xprotect.events and milestone.xprotect.alarms against the simulator.

The sources are loaded the way ansible-rulebook loads them (``runpy.run_path`` on the file inside the collection)
and run on an asyncio queue. Resilience is tested with the simulator's controls: dropped connections in the middle
of a stream, a token that expires while connected, a gateway away longer than the resume window, a restart.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import runpy
import time
import typing as t

import pytest

from harness import collections_path

SOURCES = os.path.join('ansible_collections', 'milestone', 'xprotect', 'extensions', 'eda', 'plugins', 'event_source')
INTRUSION = 'Intrusion detected'
MOTION_STARTED = '6eb95dd6-7ccc-4bce-99f8-af0d0b582d77'


def load(name: str) -> dict[str, t.Any]:
    """The source plugin's globals, as ansible-rulebook gets them."""
    return runpy.run_path(os.path.join(collections_path(), SOURCES, f'{name}.py'))


def connection(sim: t.Any, **extra: t.Any) -> dict[str, t.Any]:
    args = {'server_url': sim.url, 'username': 'admin', 'password': 'admin', 'ca_path': sim.ca_file, 'reconnect_delay': 0.2,
            'max_reconnect_delay': 1.0}
    args.update(extra)
    return args


async def call(sim: t.Any, method: str, path: str, body: t.Any = None) -> tuple[int, t.Any]:
    """A REST or control request without blocking the loop the source runs on."""
    if path.startswith('/_simulator'):
        return await asyncio.to_thread(sim.request, method, path, body)
    return await asyncio.to_thread(sim.api, method, path, body)


class Running:
    """A source running on a queue, and what it delivered."""

    def __init__(self, plugin: dict[str, t.Any], args: dict[str, t.Any], kind: str = 'EventStream') -> None:
        self.queue: asyncio.Queue = asyncio.Queue()
        self.stream = plugin[kind](args, self.queue)
        self.task: asyncio.Task | None = None
        self.items: list[dict[str, t.Any]] = []

    async def __aenter__(self) -> 'Running':
        self.task = asyncio.create_task(self.stream.run())
        return self

    async def __aexit__(self, *exc: t.Any) -> None:
        assert self.task is not None
        self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.task

    async def collect(self, until: t.Callable[[list[dict[str, t.Any]]], bool], timeout: float = 20.0) -> list[dict[str, t.Any]]:
        deadline = time.monotonic() + timeout
        while not until(self.items):
            if self.task is not None and self.task.done():
                self.task.result()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f'timed out; got {len(self.items)} items: {self.items[-3:]}')
            try:
                self.items.append(await asyncio.wait_for(self.queue.get(), timeout=min(remaining, 0.5)))
            except asyncio.TimeoutError:
                continue
        return self.items

    async def connected(self, sessions: int = 1, timeout: float = 10.0) -> None:
        """Wait until the stream has subscribed (its session counters say so)."""
        deadline = time.monotonic() + timeout
        while self.stream.counts['new_sessions'] + self.stream.counts['resumed'] < sessions:
            if self.task is not None and self.task.done():
                self.task.result()
            assert time.monotonic() < deadline, f'not connected: {self.stream.counts}'
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.2)  # the subscription follows the session's answer


def events_of(items: list[dict[str, t.Any]]) -> list[dict[str, t.Any]]:
    return [item['xprotect'] for item in items if 'xprotect' in item]


def analytics_id(sim: t.Any, name: str) -> str:
    status, body = sim.api('GET', '/analyticsEvents')
    assert status == 200
    return next(item['id'] for item in body['array'] if item['name'] == name)


def test_events_carry_ids_and_names_and_filters_by_name_select_them(simulator):
    plugin = load('events')
    status, created = simulator.api('POST', '/userDefinedEvents', {'name': 'Door forced'})
    door_id = created['result']['id']
    status, body = simulator.api('GET', '/cameras')
    camera = body['array'][0]

    async def scenario() -> list[dict[str, t.Any]]:
        args = connection(simulator, filters=[{'event_types': ['Door forced', INTRUSION]}])
        async with Running(plugin, args) as running:
            await running.connected()
            assert (await call(simulator, 'POST', '/events', {'type': door_id}))[0] == 202
            assert (await call(simulator, 'POST', '/events', {'type': analytics_id(simulator, INTRUSION), 'source': camera['id']}))[0] == 202
            # Not subscribed: motion is not among the event types.
            await call(simulator, 'POST', '/_simulator/events', {'type': MOTION_STARTED, 'source': f"cameras/{camera['id']}"})
            assert (await call(simulator, 'POST', '/events', {'type': door_id, 'data': {'door': 'North'}}))[0] == 202
            return events_of(await running.collect(lambda items: len(items) >= 3))

    events = asyncio.run(scenario())
    assert [event['type_name'] for event in events] == ['Door forced', INTRUSION, 'Door forced']
    assert events[0]['source'] == f'userDefinedEvents/{door_id}' and events[0]['source_name'] == 'Door forced'
    assert events[1]['source_type'] == 'cameras' and events[1]['source_id'] == camera['id'] and events[1]['source_name'] == camera['name']
    assert events[2]['data'] == {'door': 'North'}


def test_drops_in_the_middle_of_a_stream_lose_no_event_and_deliver_none_twice(simulator):
    plugin = load('events')
    status, body = simulator.api('GET', '/cameras')
    sources = [f"cameras/{camera['id']}" for camera in body['array'][:5]]

    async def scenario() -> tuple[list[str], list[dict[str, t.Any]], dict[str, int]]:
        async with Running(plugin, connection(simulator, filters=[{'event_types': [INTRUSION]}])) as running:
            await running.connected()
            started = await call(simulator, 'POST', '/_simulator/events', {'type': analytics_id(simulator, INTRUSION), 'sources': sources,
                                                                           'count': 3000, 'rate': 1000, 'wait': False})
            batch = started[1]['batch']
            for drop in range(4):
                await asyncio.sleep(0.5)
                # each drop finds the stream connected again (on a busy machine its reconnection can take longer than 0.5 s)
                await running.connected(sessions=drop + 1, timeout=30)
                assert (await call(simulator, 'POST', '/_simulator/ws/drop', {}))[1]['dropped'] == 1
            while True:
                status, progress = await call(simulator, 'GET', f'/_simulator/events?batch={batch}')
                if progress['done']:
                    break
                await asyncio.sleep(0.1)
            wanted = set(progress['ids'])
            items = await running.collect(lambda got: {event['id'] for event in events_of(got)} >= wanted, timeout=30)
            await asyncio.sleep(0.5)
            while not running.queue.empty():
                items.append(running.queue.get_nowait())
            return progress['ids'], items, dict(running.stream.counts)

    emitted, items, counts = asyncio.run(scenario())
    received = [event['id'] for event in events_of(items)]
    assert len(received) == len(set(received)), 'an event was delivered twice'
    assert received == emitted, 'every event, in order'
    assert not [item for item in items if 'xprotect_meta' in item], 'no gap: every drop was resumed'
    assert counts['resumed'] >= 4 and counts['new_sessions'] == 1, counts


def test_a_token_that_expires_while_connected_keeps_the_stream_and_a_reconnection_takes_a_new_one(simulator_factory):
    sim = simulator_factory('--token-ttl', '2', '--cameras', '6')
    plugin = load('events')
    intrusion = analytics_id(sim, INTRUSION)

    async def scenario() -> tuple[list[dict[str, t.Any]], dict[str, int], int]:
        async with Running(plugin, connection(sim, filters=[{'event_types': [intrusion]}])) as running:
            await running.connected()
            grants = (await call(sim, 'GET', '/_simulator/stats'))[1]['token_grants']
            await asyncio.sleep(2.5)  # the connection's token has expired now
            await call(sim, 'POST', '/_simulator/events', {'type': intrusion, 'count': 5})
            await running.collect(lambda items: len(events_of(items)) >= 5)
            await call(sim, 'POST', '/_simulator/ws/drop', {})
            await running.connected(sessions=2)
            await call(sim, 'POST', '/_simulator/events', {'type': intrusion, 'count': 5})
            items = await running.collect(lambda got: len(events_of(got)) >= 10)
            after = (await call(sim, 'GET', '/_simulator/stats'))[1]['token_grants']
            return items, dict(running.stream.counts), after - grants

    items, counts, new_grants = asyncio.run(scenario())
    assert len(events_of(items)) == 10 and counts['resumed'] == 1 and counts['new_sessions'] == 1
    assert new_grants >= 1, 'the reconnection logged in again'


def test_a_gateway_away_longer_than_the_resume_window_gives_a_gap_marker_and_the_stream_goes_on(simulator_factory):
    sim = simulator_factory('--ws-resume-seconds', '1', '--cameras', '6')
    plugin = load('events')
    intrusion = analytics_id(sim, INTRUSION)

    async def scenario() -> tuple[list[dict[str, t.Any]], dict[str, int]]:
        async with Running(plugin, connection(sim, filters=[{'event_types': [INTRUSION]}])) as running:
            await running.connected()
            await call(sim, 'POST', '/_simulator/events', {'type': intrusion, 'count': 3})
            await running.collect(lambda items: len(events_of(items)) >= 3)
            await call(sim, 'POST', '/_simulator/ws/drop', {'refuse_seconds': 2.5})
            await call(sim, 'POST', '/_simulator/events', {'type': intrusion, 'count': 2})  # lost with the session
            await running.collect(lambda items: any('xprotect_meta' in item for item in items), timeout=20)
            await running.connected(sessions=2)
            await call(sim, 'POST', '/_simulator/events', {'type': intrusion, 'count': 4})
            items = await running.collect(lambda got: len(events_of(got)) >= 7)
            # A restart loses every session too: the same marker, and the stream goes on.
            await asyncio.to_thread(sim.restart, 0.5)
            await running.connected(sessions=3, timeout=20)
            await call(sim, 'POST', '/_simulator/events', {'type': intrusion, 'count': 2})
            items = await running.collect(lambda got: len(events_of(got)) >= 9)
            return items, dict(running.stream.counts)

    items, counts = asyncio.run(scenario())
    kinds = ['gap' if 'xprotect_meta' in item else 'event' for item in items]
    assert kinds == ['event'] * 3 + ['gap'] + ['event'] * 4 + ['gap'] + ['event'] * 2, kinds
    marker = next(item['xprotect_meta'] for item in items if 'xprotect_meta' in item)
    assert marker['gap'] is True and marker['previous_session_id'] and marker['session_id'] != marker['previous_session_id']
    assert marker['last_event_id'] == events_of(items)[2]['id']
    assert counts['gaps'] == 2


def test_include_state_reports_the_current_state_of_the_subscribed_cameras(simulator):
    plugin = load('events')

    async def scenario() -> list[dict[str, t.Any]]:
        args = connection(simulator, include_state=True, filters=[{'camera_groups': ['PTZ cameras'], 'event_types': ['Motion Started', 'Motion Stopped']}])
        async with Running(plugin, args) as running:
            await running.collect(lambda items: len(items) >= 1, timeout=10)
            await asyncio.sleep(0.5)
            return running.items + drain(running.queue)

    items = asyncio.run(scenario())
    states = [item['xprotect_state'] for item in items if 'xprotect_state' in item]
    status, body = simulator.api('GET', '/cameras')
    ptz = {camera['id'] for camera in body['array'] if camera['ptzEnabled'] and camera['enabled']}
    assert {state['source_id'] for state in states} == ptz
    assert {(state['type_name'], state['state_group_name'], state['state_name']) for state in states} == {('Motion Stopped', 'Motion', 'No motion')}
    assert status == 200


def drain(queue: asyncio.Queue) -> list[t.Any]:
    items = []
    while not queue.empty():
        items.append(queue.get_nowait())
    return items


def test_unknown_names_in_filters_stop_the_source_with_every_problem(simulator):
    plugin = load('events')

    async def scenario() -> None:
        stream = plugin['EventStream'](connection(simulator, filters=[{'event_types': ['Door forcd']}, {'camera_groups': ['Nowhere']},
                                                                      {'colour': 'red'}]), asyncio.Queue())
        await stream.run()

    with pytest.raises(ValueError) as raised:
        asyncio.run(scenario())
    text = str(raised.value)
    assert "filter 1:" in text and 'Door forcd' in text and 'filter 2:' in text and 'Nowhere' in text and 'unknown key colour' in text


def test_bad_credentials_stop_the_source_at_start(simulator):
    plugin = load('events')

    async def scenario() -> None:
        await plugin['EventStream'](connection(simulator, password='Not-the-Passw0rd'), asyncio.Queue()).run()

    with pytest.raises(Exception) as raised:
        asyncio.run(scenario())
    assert type(raised.value).__name__ == 'AuthenticationError' and 'Not-the-Passw0rd' not in str(raised.value)


# -- milestone.xprotect.alarms ------------------------------------------------------------------------------

def test_alarm_source_emits_new_and_changed_alarms_once(simulator):
    plugin = load('alarms')
    status, body = simulator.api('POST', '/alarms', {'name': 'Before the start', 'message': 'm'})
    assert status == 202

    async def scenario() -> list[dict[str, t.Any]]:
        async with Running(plugin, connection(simulator, interval=0.2), kind='AlarmPoller') as running:
            await asyncio.sleep(0.6)
            status, raised = await call(simulator, 'POST', '/alarms', {'name': 'Door forced', 'message': 'North gate'})
            assert status == 202
            await running.collect(lambda items: len(items) >= 1)
            await asyncio.sleep(0.5)
            await call(simulator, 'PATCH', f"/alarms/{raised['data']['id']}", {'state': '4', 'assignedTo.displayName': 'SOC'})
            await call(simulator, 'POST', '/_simulator/events', {'type': analytics_id(simulator, INTRUSION), 'count': 3})
            items = await running.collect(lambda got: len(got) >= 5)
            await asyncio.sleep(1.0)
            return items + drain(running.queue)

    items = asyncio.run(scenario())
    alarms = [item['xprotect_alarm'] for item in items]
    assert [(alarm['name'], alarm['change']) for alarm in alarms[:2]] == [('Door forced', 'new'), ('Door forced', 'changed')]
    assert alarms[1]['stateName'] == 'In progress' and alarms[1]['assignedTo'] == {'displayName': 'SOC'}
    assert sorted((alarm['name'], alarm['change']) for alarm in alarms[2:]) == [('Intrusion', 'new')] * 3
    assert 'Before the start' not in {alarm['name'] for alarm in alarms}
    assert len(alarms) == 5
