# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Events per second through milestone.xprotect.events, from the simulator to the rulebook's queue, and the latency it adds.

    .venvs/core2.19/bin/python bench/eda_events.py                     # 20,000 events at 1,000/s, 2,000/s and as fast as possible
    .venvs/core2.19/bin/python bench/eda_events.py --count 5000 --rates 1000 --drops 3

The simulator emits the events (``POST /_simulator/events`` at a given rate, from 20 cameras); the source runs in this
process exactly as ansible-rulebook runs it (loaded with ``runpy`` from the collection, ``main``'s EventStream on an
asyncio queue) and a consumer takes every event off the queue. For each event the latency is the time from its
creation on the server (its ``time``) to the moment the consumer has it; both run on this machine's clock.
Throughput is the events delivered divided by the time from the first event's creation to the last delivery.
``--drops`` drops every WebSocket connection that many times during each run (the source resumes its session).
Nothing may be lost or delivered twice; the script exits 1 if something is.

Results go to ``tests/output/bench/eda_events.json`` and a table on stdout; nothing is hard-coded.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import os
import runpy
import statistics
import sys
import tempfile
import time
import typing as t

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from simulator.process import SimulatorProcess  # noqa: E402  # pylint: disable=wrong-import-position

INTRUSION = 'Intrusion detected'
TARGET_RATE = 1000
TARGET_P99_MS = 50.0


def collections_root() -> str:
    """A folder whose ansible_collections/milestone/xprotect is this checkout (how ansible-rulebook finds the source)."""
    root = os.path.join(tempfile.gettempdir(), 'milestone-xprotect-bench-collections')
    link = os.path.join(root, 'ansible_collections', 'milestone', 'xprotect')
    if not os.path.islink(link) or os.path.realpath(link) != ROOT:
        os.makedirs(os.path.dirname(link), exist_ok=True)
        if os.path.lexists(link):
            os.unlink(link)
        os.symlink(ROOT, link)
    return root


def parse_time(text: str) -> float:
    """Epoch seconds of the server's ``2026-11-21T19:41:07.1234560Z``."""
    head, _sep, fraction = text.rstrip('Z').partition('.')
    moment = datetime.datetime.strptime(head, '%Y-%m-%dT%H:%M:%S').replace(tzinfo=datetime.timezone.utc)
    return moment.timestamp() + (int((fraction + '000000')[:6]) / 1e6 if fraction else 0.0)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float('nan')
    index = min(len(ordered) - 1, max(0, int(round(share * (len(ordered) - 1)))))
    return ordered[index]


async def control(sim: SimulatorProcess, method: str, path: str, body: t.Any = None) -> t.Any:
    status, answer = await asyncio.to_thread(sim.request, method, path, body)
    if status >= 300:
        raise RuntimeError(f'{method} {path}: {status} {answer}')
    return answer


async def one_run(sim: SimulatorProcess, plugin: dict[str, t.Any], *, count: int, rate: float, drops: int,
                  sources: list[str], event_type: str) -> dict[str, t.Any]:
    queue: asyncio.Queue = asyncio.Queue()
    args = {'server_url': sim.url, 'username': 'admin', 'password': 'admin', 'ca_path': sim.ca_file,
            'filters': [{'event_types': [INTRUSION]}], 'reconnect_delay': 0.1, 'max_reconnect_delay': 1.0}
    stream = plugin['EventStream'](args, queue)
    runner = asyncio.create_task(stream.run())
    received: dict[str, float] = {}
    latencies: list[float] = []
    duplicates = 0
    markers = 0

    async def consume() -> None:
        nonlocal duplicates, markers
        while True:
            item = await queue.get()
            now = time.time()
            event = item.get('xprotect')
            if event is None:
                markers += 1
                continue
            if event['id'] in received:
                duplicates += 1
            received[event['id']] = now
            latencies.append(now - parse_time(event['time']))

    consumer = asyncio.create_task(consume())
    try:
        while stream.counts['new_sessions'] < 1:
            if runner.done():
                runner.result()
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.3)
        started = time.time()
        body = {'type': event_type, 'sources': sources, 'count': count, 'rate': rate, 'wait': False}
        batch = (await control(sim, 'POST', '/_simulator/events', body))['batch']
        expected_seconds = count / rate if rate else count / 5000
        for _drop in range(drops):
            await asyncio.sleep(expected_seconds / (drops + 1))
            await control(sim, 'POST', '/_simulator/ws/drop', {})
        while True:
            progress = await control(sim, 'GET', f'/_simulator/events?batch={batch}')
            if progress['done']:
                break
            await asyncio.sleep(0.05)
        emitted = progress['ids']
        deadline = time.monotonic() + 30
        while len(received) < len(emitted) and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        await asyncio.sleep(0.2)
    finally:
        runner.cancel()
        consumer.cancel()
        for task in (runner, consumer):
            try:
                await task
            except (asyncio.CancelledError, Exception):  # pylint: disable=broad-except
                pass
    lost = len(set(emitted) - set(received))
    last = max(received.values()) if received else started
    seconds = max(last - started, 1e-9)
    return {
        'count': count, 'rate_asked': rate or 'max', 'drops': drops, 'delivered': len(received), 'lost': lost,
        'duplicates': duplicates, 'gap_markers': markers, 'seconds': round(seconds, 3),
        'events_per_second': round(len(received) / seconds, 1),
        'latency_ms_p50': round(percentile(latencies, 0.50) * 1000, 2),
        'latency_ms_p99': round(percentile(latencies, 0.99) * 1000, 2),
        'latency_ms_max': round(max(latencies) * 1000, 2) if latencies else None,
        'latency_ms_mean': round(statistics.fmean(latencies) * 1000, 2) if latencies else None,
        'resumed': stream.counts['resumed'],
    }


async def bench(options: argparse.Namespace) -> list[dict[str, t.Any]]:
    plugin = runpy.run_path(os.path.join(collections_root(), 'ansible_collections', 'milestone', 'xprotect', 'extensions', 'eda',
                                         'plugins', 'event_source', 'events.py'))
    results = []
    with SimulatorProcess('--cameras', '60') as sim:
        status, body = sim.api('GET', '/cameras')
        sources = [f"cameras/{camera['id']}" for camera in body['array'][:20]]
        status, analytics = sim.api('GET', '/analyticsEvents')
        event_type = next(item['id'] for item in analytics['array'] if item['name'] == INTRUSION)
        assert status == 200
        for rate in options.rates:
            sim.reset()
            result = await one_run(sim, plugin, count=options.count, rate=rate, drops=options.drops, sources=sources, event_type=event_type)
            results.append(result)
            print(json.dumps(result), flush=True)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', 1)[0])
    parser.add_argument('--count', type=int, default=20000, help='events per run (default 20000)')
    parser.add_argument('--rates', type=float, nargs='+', default=[1000, 2000, 0], help='emit rates per second; 0 = as fast as possible')
    parser.add_argument('--drops', type=int, default=0, help='drop every connection this many times during each run')
    parser.add_argument('--output', default=os.path.join(ROOT, 'tests', 'output', 'bench', 'eda_events.json'))
    options = parser.parse_args(argv)
    results = asyncio.run(bench(options))
    os.makedirs(os.path.dirname(options.output), exist_ok=True)
    with open(options.output, 'w', encoding='utf-8') as handle:
        json.dump({'results': results, 'targets': {'events_per_second': TARGET_RATE, 'latency_ms_p99': TARGET_P99_MS}}, handle, indent=2)
    print('\n| rate asked | delivered | lost | dup | events/s | p50 ms | p99 ms | max ms | resumed |')
    print('|---|---|---|---|---|---|---|---|---|')
    for result in results:
        print(f"| {result['rate_asked']} | {result['delivered']} | {result['lost']} | {result['duplicates']} | {result['events_per_second']} | "
              f"{result['latency_ms_p50']} | {result['latency_ms_p99']} | {result['latency_ms_max']} | {result['resumed']} |")
    broken = [result for result in results if result['lost'] or result['duplicates']]
    return 1 if broken else 0


if __name__ == '__main__':
    sys.exit(main())
