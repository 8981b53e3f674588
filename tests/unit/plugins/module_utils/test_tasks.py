# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the task runner and fleets (``_tasks``), through PTZ jobs: server gone, timeouts, messages."""

from __future__ import annotations

import typing as t

import pytest

from ansible_collections.milestone.xprotect.plugins.module_utils._errors import InputError
from ansible_collections.milestone.xprotect.plugins.module_utils._ptz import (
    NOT_ATTEMPTED,
    SKIPPED,
    TIMED_OUT,
    FailureTolerance,
    PtzJob,
    PtzRunner,
    exceeded,
    failure_message,
    job_from_params,
    no_camera_has_preset,
    totals,
)
from ansible_collections.milestone.xprotect.plugins.module_utils._tasks import ServerGoneGuard, TaskAccount, run_fleet
from ansible_collections.milestone.xprotect.tests.unit.plugins.fake_gateway import (
    FakeGateway,
    guid,
    make_camera,
    make_client,
    make_preset,
)


def fleet(mock_rsps: t.Any, count: int) -> FakeGateway:
    cameras = [make_camera(number, f'PTZ {number}', ptz=True) for number in range(1, count + 1)]
    gateway = FakeGateway(mock_rsps, cameras)
    for number in range(1, count + 1):
        ident = guid(number)
        gateway.presets[ident] = [make_preset(ident, number * 10 + 1, 'Home', default=True),
                                  make_preset(ident, number * 10 + 2, 'Preset 1'), make_preset(ident, number * 10 + 3, 'Gate')]
    return gateway


def test_a_fleet_stops_starting_cameras_once_the_server_is_gone_and_gives_the_advice_once(mock):
    gateway = fleet(mock, 20)
    gateway.gone_after = ['POST', 'task=TaskCleanup', 3]  # connections refused once three cameras' tasks were cleaned up
    job = PtzJob('DefaultPtzPreset', preset='Gate', wait_sleep=0.001)
    runs = PtzRunner(make_client(retries=0), job).run([gateway.cameras[guid(number)] for number in range(1, 21)], workers=1)
    counts = totals(runs)
    assert counts['changed'] == 3, counts
    # after three cameras in a row could not reach the server, no new camera is started
    assert counts['failed'] == 3 and counts[NOT_ATTEMPTED] == 14, counts
    assert all(run.status == NOT_ATTEMPTED for run in runs[6:])
    assert exceeded(FailureTolerance.parse('50%'), runs)
    message = failure_message('DefaultPtzPreset', runs, 1.0, FailureTolerance.parse('50%'))
    assert message.count('Check server_url') == 1, message
    assert '14 cameras were not attempted' in message and len(message) < 1500, message


def test_one_unreachable_camera_among_successes_does_not_stop_the_fleet():
    guard = ServerGoneGuard(threshold=3)
    calls = []

    def work(number: int) -> TaskAccount:
        calls.append(number)
        account = TaskAccount(task='T', status='changed')
        if number % 3 == 0:  # every third fails to connect, the others succeed: the server is not gone
            account.status = 'failed'
            account.failure = InputError('unreachable')
            account.failure.unreachable = True
        return account

    accounts = run_fleet(list(range(1, 13)), work, lambda number: TaskAccount(task='T'), workers=1, guard=guard)
    assert calls == list(range(1, 13)) and not guard.gone
    assert [account.status for account in accounts].count(NOT_ATTEMPTED) == 0


def test_a_timeout_names_wait_timeout_and_how_to_raise_it(mock):
    gateway = fleet(mock, 1)
    gateway.outcomes[guid(1)] = 'hang'
    [run] = PtzRunner(make_client(), PtzJob('DefaultPtzPreset', preset='Gate', wait_timeout=0.05, wait_sleep=0.01)).run(
        [gateway.cameras[guid(1)]], workers=1)
    assert run.status == TIMED_OUT
    assert 'raise wait_timeout (now 0.05 s) if the device needs longer' in run.error, run.error


def test_a_misspelled_task_gets_one_clause_with_the_right_name():
    problems = PtzJob('DefaultPTZPresets', preset='Home').problems()
    assert problems == ["task must be DefaultPtzPreset, GetDevicePresets or Goto, not 'DefaultPTZPresets' (did you mean DefaultPtzPreset?)"]


def test_failure_messages_have_no_doubled_full_stops(mock):
    gateway = fleet(mock, 2)
    runs = PtzRunner(make_client(), PtzJob('DefaultPtzPreset', preset='Preset 5', wait_sleep=0.001)).run(
        [gateway.cameras[guid(1)], gateway.cameras[guid(2)]], workers=1)
    message = failure_message('DefaultPtzPreset', runs, 1.0, FailureTolerance())
    assert "'Preset 5'" in message and '..' not in message, message


def test_a_preset_no_camera_has_fails_with_the_closest_names(mock):
    gateway = fleet(mock, 3)
    job = PtzJob('DefaultPtzPreset', preset='Preset', missing_preset='skip', wait_sleep=0.001)
    runs = PtzRunner(make_client(), job).run([gateway.cameras[guid(number)] for number in (1, 2, 3)], workers=1)
    assert [run.status for run in runs] == [SKIPPED] * 3
    message = no_camera_has_preset(job, runs)
    assert message is not None and "No camera has a PTZ preset named 'Preset'" in message
    assert "Closest preset names on these cameras: 'Preset 1'" in message, message
    assert not gateway.requests('POST', 'task=DefaultPtzPreset')
    # a preset that some cameras have is a fleet that differs: no such failure
    some = PtzJob('DefaultPtzPreset', preset='Gate', missing_preset='skip', wait_sleep=0.001)
    assert no_camera_has_preset(some, PtzRunner(make_client(), some).run([gateway.cameras[guid(1)]], workers=1)) is None


@pytest.mark.parametrize('cameras, message', [
    ([], 'cameras is an empty list, so there is nothing to do; when the list comes from camera_info, its selection matched no camera'),
    ([' ', ''], 'cameras holds only empty names'),
])
def test_an_empty_camera_list_says_it_is_empty(cameras, message):
    params = dict(task='GetDevicePresets', preset=None, wait=True, wait_timeout=120.0, wait_sleep=1.0, cleanup=True,
                  missing_preset='fail', concurrency=8, failure_tolerance=0, cameras=cameras)
    with pytest.raises(InputError) as caught:
        job_from_params(params, check_mode=False)
    assert message in str(caught.value)
