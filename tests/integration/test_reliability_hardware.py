# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the hardware module promises beyond the fault matrix's cells (test_reliability_faults*.py, scenario "hardware add"):

* a lost answer to AddHardware never adds the hardware twice (the camera network shows one hardware at the address), and
  the task whose answer was lost is cleaned up like every other;
* a failure after the add leaves what the next run completes: the hardware enabled and named, its camera enabled and named
  (that run changes what the failed one left undone), and the run after it changes nothing;
* check mode on adds, updates, removals, a replacement and a move sends no POST, PUT, PATCH or DELETE and starts no task
  (the simulator's request log), and reports per hardware what would be done, which is what applying then does.

The module runs in-process (reliability.run_module), a few runs per test against one simulator, so the file costs little.
"""

from __future__ import annotations

import typing as t

import pytest

from reliability import (
    ADD_HARDWARE,
    CAMERA_PATCH,
    HARDWARE_PATCH,
    PASSWORD,
    RELIABLE_CAMERA,
    RELIABLE_HARDWARE,
    RELIABLE_HOST,
    RELIABLE_HOST_PASSWORD,
    TASK_SECONDS,
    USERNAME,
    api_ok,
    clean_failure_problems,
    connection,
    find_secrets,
    hardware_at,
    open_task_ids,
    run_module,
)

from simulator.process import SimulatorProcess

# pylint: disable=wrong-import-position,wrong-import-order
from ansible_collections.milestone.xprotect.plugins.modules import hardware  # noqa: E402

WRITES = ('POST', 'PUT', 'PATCH', 'DELETE')
ADD = {'address': RELIABLE_HOST, 'recording_server': 'XPRS01', 'driver': '10', 'hardware_username': 'root',
       'hardware_password': RELIABLE_HOST_PASSWORD, 'name': RELIABLE_HARDWARE,
       'devices': {'cameras': [{'channel': 0, 'name': RELIABLE_CAMERA}]}, 'wait_sleep': 0.02, 'wait_timeout': 3}


@pytest.fixture(scope='module')
def sim() -> t.Iterator[SimulatorProcess]:
    with SimulatorProcess('--task-seconds', TASK_SECONDS, '--user', f'{USERNAME}:{PASSWORD}') as process:
        yield process


def network_devices(sim: SimulatorProcess) -> dict[str, dict[str, t.Any]]:
    """The devices of the camera network by address, each with the ids of the hardware using it."""
    status, listing = sim.request('GET', '/_simulator/network')
    assert status == 200, listing
    return {device['address']: device for server in listing['recordingServers'] for device in server['devices']}


def run(sim: SimulatorProcess, args: dict[str, t.Any], **overrides: t.Any) -> t.Any:
    done = run_module(hardware.main, dict(args, **connection(sim.url, sim.ca_file, **overrides)))
    assert not clean_failure_problems(done), clean_failure_problems(done)
    assert not find_secrets(done.output, [PASSWORD, RELIABLE_HOST_PASSWORD]), 'a password was printed'
    return done


def assert_completed(sim: SimulatorProcess) -> None:
    [added] = hardware_at(sim, RELIABLE_HOST)
    assert (added['name'], added['enabled']) == (RELIABLE_HARDWARE, True)
    cameras = api_ok(sim, 'GET', f'/hardware/{added["id"]}/cameras?disabled')['array']
    assert [(camera['name'], camera['enabled']) for camera in cameras] == [(RELIABLE_CAMERA, True)]


def test_a_lost_answer_to_add_hardware_never_adds_it_twice(sim: SimulatorProcess) -> None:
    sim.reset()
    sim.faults(reset_next=1, after=True, match=ADD_HARDWARE.match)
    first = run(sim, ADD)
    assert not first.failed and first.changed, first.msg
    assert not sim.faults()['rules'], 'the answer was lost'
    adds = [entry for entry in sim.requests_log(kind='rest') if ADD_HARDWARE.log_matches(entry)]
    assert len(adds) == 2, 'sent again after the lost answer; the server refused the second as already defined (VMO60276)'
    assert len(network_devices(sim)[RELIABLE_HOST]['hardware']) == 1
    assert_completed(sim)
    [entry] = first.result['hardware']
    assert entry['action'] == 'add' and entry['status'] == 'changed' and entry['tasks_left_behind'] == []
    assert sorted(entry['task_ids']) == ['1', '2'] and not open_task_ids(sim), 'the task whose answer was lost is cleaned up too'
    again = run(sim, ADD)
    assert not again.failed and not again.changed, again.msg
    assert len(network_devices(sim)[RELIABLE_HOST]['hardware']) == 1


@pytest.mark.parametrize('rule, overrides, left_to_do', [
    pytest.param({'fail_next': 1, 'status': 500, 'match': HARDWARE_PATCH.match}, {}, True, id='500 on the PATCH that names and enables it'),
    # The hardware is enabled last, after its cameras: once that PATCH is done, nothing is left for the next run.
    pytest.param({'fail_next': 1, 'status': 500, 'after': True, 'match': HARDWARE_PATCH.match}, {}, False,
                 id='500 after the PATCH that names and enables it was done'),
    pytest.param({'reset_next': 1, 'match': HARDWARE_PATCH.match}, {'retries': 0}, True, id='connection dropped at the PATCH of the hardware'),
    pytest.param({'reset_next': 1, 'match': CAMERA_PATCH.match}, {'retries': 0}, True, id='connection dropped at the PATCH of its camera'),
])
def test_a_failure_after_the_add_is_completed_by_the_next_run(sim: SimulatorProcess, rule: dict[str, t.Any],
                                                              overrides: dict[str, t.Any], left_to_do: bool) -> None:
    sim.reset()
    sim.faults(**rule)
    first = run(sim, ADD, **overrides)
    assert first.failed and 'A re-run completes' in first.msg, first.msg
    assert first.result['hardware'][0]['action'] == 'add' and first.changed, 'the add itself is done and reported'
    assert not sim.faults()['rules'], 'the fault happened'
    assert len(hardware_at(sim, RELIABLE_HOST)) == 1
    if not left_to_do:
        assert_completed(sim)
    second = run(sim, ADD)
    assert not second.failed and second.changed == left_to_do, second.msg
    assert_completed(sim)
    third = run(sim, ADD)
    assert not third.failed and not third.changed, third.result['hardware']
    assert len(network_devices(sim)[RELIABLE_HOST]['hardware']) == 1 and not open_task_ids(sim)


def test_check_mode_sends_no_write_and_starts_no_task_and_says_what_applying_does(sim: SimulatorProcess) -> None:
    sim.reset()
    devices = network_devices(sim)
    hanwha = devices['192.0.2.13']
    assert hanwha['password'] == 'Hanwha-6080R' and devices[RELIABLE_HOST]['password'] == RELIABLE_HOST_PASSWORD
    items = [
        {'address': RELIABLE_HOST, 'driver': '10', 'name': RELIABLE_HARDWARE, 'username': 'root', 'password': RELIABLE_HOST_PASSWORD},
        # without a driver: applying detects it (HardwareScan); check mode runs no task, the scan neither
        {'address': '192.0.2.13', 'username': hanwha['userName'], 'password': hanwha['password'], 'description': 'Dock'},
        {'address': '10.1.0.14', 'name': 'Lobby (renamed)', 'devices': {'cameras': [{'channel': 0, 'name': 'Lobby camera'}]},
         'password': 'Rotated-Zq7-pässwörd'},
        {'address': '10.1.0.16', 'state': 'absent'},
        # (not a device with the AXIS factory password "pass": Ansible masks it inside every "password" of the result)
        {'address': 'cam-gate.xprs02.example', 'replaces': '10.1.0.12', 'driver': '10', 'username': 'root',
         'password': devices['cam-gate.xprs02.example']['password']},
        {'address': '10.2.0.11', 'move': True, 'password': 'Moved-Zq7-pässwörd'},
    ]
    args = {'recording_server': 'XPRS01', 'items': items, 'update_password': 'always', 'wait_sleep': 0.02, 'wait_timeout': 5}
    hardware_before = api_ok(sim, 'GET', '/hardware?disabled')['array']
    sim.reset(stats_only=True)
    checked = run(sim, dict(args, _ansible_check_mode=True, _ansible_diff=True))
    log = sim.requests_log(kind='rest')
    assert [f"{entry['method']} {entry['path']}" for entry in log if entry['method'] in WRITES] == []
    assert [entry for entry in log if 'task=' in (entry.get('query') or '')] == []
    assert api_ok(sim, 'GET', '/hardware?disabled')['array'] == hardware_before and not open_task_ids(sim)
    assert not checked.failed and checked.changed, checked.msg
    actions = {entry['address']: (entry['status'], entry['action']) for entry in checked.result['hardware']}
    assert actions == {f'http://{RELIABLE_HOST}/': ('would_change', 'add'), 'http://192.0.2.13/': ('would_change', 'add'),
                       'http://10.1.0.14/': ('would_change', 'update'), 'http://10.1.0.16/': ('would_change', 'remove'),
                       'http://cam-gate.xprs02.example/': ('would_change', 'replace'), 'http://10.2.0.11/': ('would_change', 'move')}
    totals = checked.result['totals']
    counts = (totals['would_change'], totals['added'], totals['updated'], totals['removed'], totals['replaced'], totals['moved'])
    assert counts == (6, 2, 1, 1, 1, 1)
    assert checked.msg.startswith('6 hardware: 2 would be added, 1 would be updated, 1 would be replaced, 1 would be moved, '
                                  '1 would be removed'), checked.msg
    assert sorted(checked.result['diff']['after']) == sorted(set(actions) - {'http://10.1.0.16/'})
    assert checked.result['diff']['after']['http://10.1.0.14/']['password'] == '******** (new)'
    assert checked.result['diff']['after']['http://10.1.0.14/']['devices'] == {'cameras[0]': {'name': 'Lobby camera', 'enabled': True}}
    by_address = {entry['address']: entry for entry in checked.result['hardware']}
    assert by_address['http://10.1.0.14/']['changes'] == ['name', 'password', 'cameras[0].name']
    assert by_address['http://192.0.2.13/']['changes'] == ['added', 'driver detected when added']

    applied = run(sim, args)
    assert not applied.failed, applied.msg
    assert {entry['address']: (entry['status'], entry['action']) for entry in applied.result['hardware']} == {
        address: ('changed', action) for address, (_status, action) in actions.items()}, 'check mode said what applying does'
    assert not hardware_at(sim, '10.1.0.16') and len(hardware_at(sim, '192.0.2.13')) == 1 and not open_task_ids(sim)
