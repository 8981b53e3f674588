# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Load: 20 playbook runs at once declare the same set of user-defined events on one server.

The API cannot make "list, then create what is missing" atomic: it has no transactions, no conditional
requests and (as far as anyone knows) no unique event names. Concurrent runs therefore *can* create a name
twice. What the collection guarantees, and what these tests hold it to:

* no run crashes or fails without a clear message, and no declared event is ever lost;
* one run of the same set with ``purge: true`` afterwards leaves every name exactly once, keeping the oldest;
* on a server that refuses duplicate names (the simulator's ``--unique-event-names``) there is never a
  duplicate, and a run that loses a race fails with the server's clear 400 without undoing anything.

What happened is written to tests/output/reliability-load.md (docs/guides/reliability.md explains it).
"""

from __future__ import annotations

import concurrent.futures
import time
import typing as t

from harness import run_playbook
from reliability import OutageProxy, has_traceback, run_module, user_defined_events, write_report

from simulator.process import SimulatorProcess

# pylint: disable=wrong-import-position,wrong-import-order
# The collection is importable once reliability (through harness) put it on sys.path.
from ansible_collections.milestone.xprotect.plugins.module_utils._client import ConnectionSettings, XProtectClient  # noqa: E402
from ansible_collections.milestone.xprotect.plugins.module_utils._errors import BadRequestError, XProtectError  # noqa: E402
from ansible_collections.milestone.xprotect.plugins.module_utils._events import (  # noqa: E402
    EVENTS as EVENT_KIND,
    Progress,
    list_events,
    parse_entries,
    plan_set,
)
from ansible_collections.milestone.xprotect.plugins.module_utils._planner import Writer, apply_set  # noqa: E402

RUNS = 20
NAMES = [f'Load event {number:02d}' for number in range(1, 10)]
DECLARED = sorted(NAMES + ['Load renamed'])
EVENTS = [{'name': 'Load renamed', 'previous_name': 'Load old'}] + NAMES
PLAYBOOK = [{'hosts': 'localhost', 'gather_facts': False, 'tasks': [
    {'name': 'declare', 'milestone.xprotect.user_defined_events': {'events': EVENTS, 'purge': True}}]}]


def server_events(sim: SimulatorProcess) -> list[dict[str, t.Any]]:
    status, body = sim.api('GET', '/userDefinedEvents')
    assert status == 200, body
    return [event for event in body['array'] if event['subtype'] == 'UserDefined']


def prepare(sim: SimulatorProcess) -> None:
    for name in ('Load old', 'Load stale 1', 'Load stale 2'):
        status, body = sim.api('POST', '/userDefinedEvents', {'name': name})
        assert status == 201, body


def test_twenty_concurrent_playbook_runs_lose_nothing_and_one_purge_run_removes_the_duplicates(simulator_factory: t.Any) -> None:
    # 100 ms per request, a fast LAN server: each run's writes take a second or more, long enough to overlap.
    sim = simulator_factory('--latency-ms', '100')
    prepare(sim)
    before = {event['id'] for event in server_events(sim)}
    gate = OutageProxy(sim.port).start()
    gate.hold()  # every run's first connection (its login) waits here, so the 20 modules start together
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=RUNS) as pool:
            futures = [pool.submit(run_playbook, sim, PLAYBOOK, env={'XPROTECT_SERVER_URL': gate.url()}) for _index in range(RUNS)]
            while gate.held < RUNS and not any(future.done() for future in futures):
                time.sleep(0.02)
            started = time.monotonic()
            gate.release()
            runs = [future.result() for future in futures]
    finally:
        gate.stop()
    seconds = time.monotonic() - started
    peak = sim.stats()['max_in_flight']
    for run in runs:
        assert run.rc == 0 and not has_traceback(run.result('declare')), run.explain()
    after_race = server_events(sim)
    names = sorted(event['name'] for event in after_race)
    assert sorted(set(names)) == DECLARED, 'every declared event exists, nothing else does'
    created = [event['id'] for run in runs for event in run.result('declare')['events'] if event['name'] in run.result('declare')['created']]
    assert {event['id'] for event in after_race} <= set(created) | before, 'every event on the server was created by a run that says so'
    duplicates = len(names) - len(DECLARED)
    oldest = {name: min((event for event in after_race if event['name'] == name), key=lambda event: (event['createdDate'], event['id']))['id']
              for name in DECLARED}

    rerun = run_playbook(sim, PLAYBOOK)
    assert rerun.rc == 0, rerun.explain()
    assert rerun.result('declare')['changed'] is (duplicates > 0)
    kept = {event['name']: event['id'] for event in server_events(sim)}
    assert sorted(kept) == DECLARED and len(server_events(sim)) == len(DECLARED), 'one purge run leaves each name once'
    assert kept == oldest, 'the oldest of each name is kept, so ids that rules refer to survive'
    final = run_playbook(sim, PLAYBOOK)
    assert final.rc == 0 and final.result('declare')['changed'] is False
    write_report('reliability-load.md', '\n'.join([
        '# Load: 20 concurrent runs of one event set', '',
        f'{RUNS} `ansible-playbook` runs of `user_defined_events` (9 new names, one rename, two stale events, `purge: true`) '
        'against one simulator that allows duplicate names and answers each request after 100 ms. Each run\'s first '
        'connection was held until all 20 were waiting, then released together. Measured:', '',
        f'- from the release to the last run\'s end: {seconds:.1f} s; peak concurrent API requests: {peak}',
        f'- runs that failed: {sum(run.rc != 0 for run in runs)}; creates reported: {len(created)} for {len(NAMES)} new names, '
        f'so {len(created) - len(NAMES)} duplicate(s) were created during the race',
        f'- duplicates still there when the last run ended: {duplicates} ({len(created) - len(NAMES) - duplicates} removed by the '
        'purges of runs that listed after them); declared names missing: 0',
        f'- one more run with `purge: true`: changed={rerun.result("declare")["changed"]}, deleted '
        f'{len(rerun.result("declare")["deleted"])} duplicate(s), kept the oldest of each name; the run after it changed nothing', '']))


def run_logic(sim: SimulatorProcess) -> tuple[Progress, XProtectError | None]:
    """user_defined_events' steps, as its main() does them: validate, list, plan, apply."""
    client = XProtectClient(ConnectionSettings(server_url=sim.url, username='admin', password='admin', ca_path=sim.ca_file, retries=2,
                                               backoff_factor=0.02))
    entries = parse_entries(EVENTS, 'present', True)
    existing = list_events(client)
    plan = plan_set(existing, entries, state='present', purge=True)
    progress = Progress()
    try:
        apply_set(Writer(client, EVENT_KIND, existing), plan, progress)
    except XProtectError as error:
        return progress, error
    return progress, None


def test_with_unique_names_on_the_server_concurrent_runs_never_duplicate(simulator_factory: t.Any) -> None:
    sim = simulator_factory('--unique-event-names', '--latency-ms', '5')
    prepare(sim)
    with concurrent.futures.ThreadPoolExecutor(max_workers=RUNS) as pool:
        outcomes = list(pool.map(lambda _index: run_logic(sim), range(RUNS)))
    names = sorted(event['name'] for event in server_events(sim))
    assert len(names) == len(set(names)), 'the server refused every duplicate'
    # Creates go 16 at a time, and a run that loses a race starts no more writes: every run may lose one before its deletes,
    # and on a busy machine each run may have lost one before it started a given create, leaving that name to the next run.
    missing = set(DECLARED) - set(names)
    stale = set(names) - set(DECLARED)
    assert stale <= {'Load stale 1', 'Load stale 2'}
    assert not stale or all(error is not None for _progress, error in outcomes), 'a run that finished purged the stale events'
    assert not missing or all(error is not None for _progress, error in outcomes), 'a run that finished created every name'
    for progress, error in outcomes:
        if error is not None:
            assert isinstance(error, BadRequestError) and 'already exists' in str(error), str(error)
            assert not progress.deleted, 'a run that lost a race stops before deleting anything'
    assert sum(len(progress.created) for progress, _error in outcomes) == len(NAMES) - len(missing & set(NAMES))
    # nothing is lost that the next run does not complete
    args = dict(server_url=sim.url, username='admin', password='admin', ca_path=sim.ca_file, events=EVENTS, purge=True)
    again = run_module(user_defined_events.main, args)
    assert not again.failed and again.changed is bool(stale or missing), again.result
    assert sorted(event['name'] for event in server_events(sim)) == DECLARED
    if stale or missing:
        last = run_module(user_defined_events.main, args)
        assert not last.failed and last.changed is False, last.result
