# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of PTZ tasks (``_ptz``): invoke, wait, two-step GetDevicePresets, cleanup, fleets, faults."""

from __future__ import annotations

import json
import re
import typing as t

import pytest

from ansible_collections.milestone.xprotect.plugins.module_utils._ptz import (
    CHANGED,
    FAILED,
    STARTED,
    SKIPPED,
    TIMED_OUT,
    UNCHANGED,
    WOULD_CHANGE,
    FailureTolerance,
    PtzError,
    PtzJob,
    PtzRunner,
    canonical_task,
    diff,
    failure_message,
    item_selection,
    left_behind,
    preset_changes,
    resolve_preset,
    summary,
    totals,
)
from ansible_collections.milestone.xprotect.tests.unit.plugins.fake_gateway import (
    PTZ_TASKS,
    FakeGateway,
    guid,
    make_camera,
    make_client,
    make_preset,
)


class FakeClock:
    """A monotonic clock that only moves when the runner sleeps (single worker only)."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def ptz_site(mock_rsps: t.Any, count: int = 3) -> FakeGateway:
    """PTZ cameras 1..count with presets Home (default), Overview, Gate; camera 100 is fixed."""
    cameras = [make_camera(number, f'PTZ {number}', ptz=True) for number in range(1, count + 1)]
    gateway = FakeGateway(mock_rsps, cameras + [make_camera(100, 'Fixed', ptz=False)])
    for number in range(1, count + 1):
        ident = guid(number)
        gateway.presets[ident] = [make_preset(ident, number * 10 + 1, 'Home', default=True),
                                  make_preset(ident, number * 10 + 2, 'Overview'),
                                  make_preset(ident, number * 10 + 3, 'Gate')]
    return gateway


def camera_bodies(gateway: FakeGateway) -> list[t.Any]:
    """The bodies of the writes to cameras (the task invocations), in the order sent."""
    return [body for _method, path, body in gateway.bodies if path.startswith('cameras/')]


def run(gateway: FakeGateway, job: PtzJob, numbers: t.Sequence[int] = (1,), *, workers: int = 1, clock: FakeClock | None = None,
        **client_options: t.Any) -> list[t.Any]:
    clock = clock or FakeClock()
    runner = PtzRunner(make_client(**client_options), job, clock=clock, sleeper=clock.sleep)
    return runner.run([gateway.cameras[guid(number)] for number in numbers], workers=workers)


# -- options -------------------------------------------------------------------------------------------

@pytest.mark.parametrize('value, failures, total, exceeded', [
    (0, 0, 10, False), (0, 1, 10, True), ('2', 2, 10, False), (2, 3, 10, True),
    ('10%', 1, 10, False), ('10%', 2, 10, True), (' 5 % ', 1, 20, False), ('0%', 1, 500, True), ('100%', 500, 500, False),
    ('2.5%', 12, 500, False), ('2.5%', 13, 500, True),
])
def test_failure_tolerance_counts_or_percentages(value, failures, total, exceeded):
    assert FailureTolerance.parse(value).exceeded(failures, total) is exceeded


@pytest.mark.parametrize('value', ['-1', 'many', '101%', '1.5', '%'])
def test_failure_tolerance_refuses_nonsense(value):
    with pytest.raises(ValueError, match='failure_tolerance must be'):
        FailureTolerance.parse(value)


def test_job_problems_are_found_before_any_request():
    assert PtzJob('DefaultPtzPreset').problems() == ['task DefaultPtzPreset needs preset (the name or id of the preset to make the default)']
    assert PtzJob('GetDevicePresets', preset='Home').problems() == ['preset is only used by tasks DefaultPtzPreset and Goto, not GetDevicePresets']
    assert 'second step needs the result of the first' in PtzJob('GetDevicePresets', wait=False).problems()[0]
    assert "task must be DefaultPtzPreset, GetDevicePresets or Goto, not 'Pan'" in PtzJob('Pan').problems()
    assert PtzJob('GetDevicePresets', wait_timeout=0, wait_sleep=-1).problems() == [
        'wait_timeout must be a positive number of seconds, not 0', 'wait_sleep must be a positive number of seconds, not -1']
    assert canonical_task('getdevicepresets ') == 'GetDevicePresets'


# -- presets -------------------------------------------------------------------------------------------

def test_presets_resolve_by_name_or_id_and_explain_misses():
    presets = [make_preset('c', 1, 'Home'), make_preset('c', 2, 'Gate'), make_preset('c', 3, 'Gate')]
    assert resolve_preset(presets, 'Home')['id'] == guid(1, 'p')
    assert resolve_preset(presets, guid(2, 'p').upper())['id'] == guid(2, 'p')
    with pytest.raises(PtzError, match=f"'Gate' fits 2 presets \\({guid(2, 'p')}, {guid(3, 'p')}\\)"):
        resolve_preset(presets, 'Gate')
    with pytest.raises(PtzError, match="no PTZ preset 'home'; its presets are: 'Home', 'Gate', 'Gate'"):
        resolve_preset(presets, 'home')


def test_item_selection_uses_the_upper_case_id():
    assert item_selection({'id': 'ed804b81-5b21-4b31-9a0e-5632f8c2b78a'}) == 'PtzPreset[ED804B81-5B21-4B31-9A0E-5632F8C2B78A]'


def test_preset_changes_name_what_was_added_removed_and_updated():
    before = [make_preset('c', 1, 'Home'), make_preset('c', 2, 'Gate'), make_preset('c', 3, 'Old')]
    after = [make_preset('c', 1, 'Home'), dict(make_preset('c', 2, 'Gate'), pan=0.9), make_preset('c', 4, 'New', device_id='4')]
    assert preset_changes(before, after) == {'added': ['New'], 'removed': ['Old'], 'updated': ['Gate']}
    assert preset_changes(before, before) == {'added': [], 'removed': [], 'updated': []}


# -- DefaultPtzPreset ----------------------------------------------------------------------------------

def test_default_preset_is_invoked_waited_for_and_cleaned_up(mock):
    gateway = ptz_site(mock)
    gateway.polls_to_finish = 3
    clock = FakeClock()
    [result] = run(gateway, PtzJob('DefaultPtzPreset', preset='Gate', wait_sleep=2), clock=clock)
    assert result.status == CHANGED and result.changed and result.state == 'Success' and result.progress == 100
    assert result.as_result()['task_ids'] == ['1'] and result.left_behind == []
    writes = gateway.writes
    assert list(writes) == [
        ('POST', f'cameras/{guid(1)}/ptzPresets', 'task=DefaultPtzPreset'), ('POST', 'tasks/1', 'task=TaskCleanup')]
    assert [p['name'] for p in gateway.presets[guid(1)] if p['defaultPreset']] == ['Gate']
    assert clock.sleeps == [2, 2] and result.duration == 4
    assert not gateway.tasks
    assert (result.before, result.after) == ('Home', 'Gate')


def test_default_preset_body_names_the_preset_in_upper_case(mock):
    gateway = ptz_site(mock)
    run(gateway, PtzJob('DefaultPtzPreset', preset=guid(12, 'p')))
    assert camera_bodies(gateway) == [{'itemSelection': f"PtzPreset[{guid(12, 'p').upper()}]"}]


def test_a_preset_that_is_already_the_default_is_not_invoked(mock):
    gateway = ptz_site(mock)
    [result] = run(gateway, PtzJob('DefaultPtzPreset', preset='Home'))
    assert result.status == UNCHANGED and not result.changed and result.state is None
    assert gateway.writes == []
    assert not [path for _m, path, _q in gateway.log if path.startswith('tasks')], 'nothing invoked, so no task list is needed'


def test_a_synchronous_default_preset_answer_needs_no_task(mock):
    gateway = ptz_site(mock)
    gateway.default_mode = 'sync'
    [result] = run(gateway, PtzJob('DefaultPtzPreset', preset='Overview'))
    assert result.status == CHANGED and result.state == 'Success' and result.started == []
    assert [path for _m, path, _q in gateway.writes] == [f'cameras/{guid(1)}/ptzPresets']
    assert not gateway.requests('GET', 'tasks/')


def test_check_mode_reads_but_never_writes(mock):
    gateway = ptz_site(mock)
    results = run(gateway, PtzJob('DefaultPtzPreset', preset='Gate', check_mode=True), (1, 2))
    assert [result.status for result in results] == [WOULD_CHANGE, WOULD_CHANGE] and all(result.changed for result in results)
    device = run(gateway, PtzJob('GetDevicePresets', check_mode=True))
    assert device[0].status == WOULD_CHANGE
    assert gateway.writes == []
    assert not [path for _m, path, _q in gateway.log if path.startswith('tasks')], 'check mode needs no task list'


def test_unknown_preset_and_non_ptz_camera_fail_with_reasons(mock):
    gateway = ptz_site(mock)
    missing, fixed = run(gateway, PtzJob('DefaultPtzPreset', preset='Nowhere'), (1, 100))
    assert missing.status == FAILED and "no PTZ preset 'Nowhere'; its presets are: 'Home', 'Overview', 'Gate'" in missing.error
    assert fixed.status == FAILED and 'not a PTZ camera' in fixed.error
    assert not gateway.requests('GET', f'cameras/{guid(100)}/')
    assert gateway.writes == []


def test_missing_preset_skip_leaves_such_cameras_alone_without_failing(mock):
    gateway = ptz_site(mock)
    missing, fixed = run(gateway, PtzJob('DefaultPtzPreset', preset='Nowhere', missing_preset='skip'), (1, 100))
    assert missing.status == SKIPPED and not missing.failed and not missing.changed
    assert "no PTZ preset 'Nowhere'" in missing.error
    assert fixed.status == FAILED, 'skip is about the preset only: a camera without PTZ still fails'
    assert totals([missing, fixed])['failures'] == 1 and totals([missing, fixed])['skipped'] == 1
    assert gateway.writes == []
    assert PtzJob('DefaultPtzPreset', preset='x', missing_preset='ignore').problems() == ["missing_preset must be fail or skip, not 'ignore'"]


def test_a_task_the_camera_does_not_offer_lists_what_it_offers(mock):
    gateway = ptz_site(mock)
    for ident in gateway.cameras:
        gateway.offered_tasks[ident] = [task for task in PTZ_TASKS if task['id'] == 'DefaultPtzPreset']
    [result] = run(gateway, PtzJob('getdevicepresets'))
    assert result.status == FAILED
    assert "does not offer the task 'getdevicepresets'; it offers: DefaultPtzPreset (Set default PTZ preset)" in result.error


def test_the_task_name_is_matched_case_insensitively_and_sent_as_the_camera_spells_it(mock):
    gateway = ptz_site(mock)
    [result] = run(gateway, PtzJob('defaultptzpreset', preset='Gate'))
    assert result.task == 'DefaultPtzPreset' and result.status == CHANGED
    assert gateway.writes[0][2] == 'task=DefaultPtzPreset'


# -- GetDevicePresets ----------------------------------------------------------------------------------

def test_get_device_presets_runs_both_steps_and_reports_real_changes(mock):
    gateway = ptz_site(mock)
    gateway.device_presets[guid(1)] = [make_preset(guid(1), 91, 'Preset 1', device_id='1'), make_preset(guid(1), 92, 'Preset 2', device_id='2')]
    [first] = run(gateway, PtzJob('GetDevicePresets'))
    assert camera_bodies(gateway) == [{'sessionDataId': 0}, {'sessionDataId': 7}]
    assert first.status == CHANGED and first.preset_changes == {'added': ['Preset 1', 'Preset 2'], 'removed': [], 'updated': []}
    assert first.as_result()['task_ids'] == ['1', '2'] and first.as_result()['task_id'] == '2'
    assert [path for _m, path, _q in gateway.requests('POST', 'TaskCleanup')] == ['tasks/1', 'tasks/2']
    [second] = run(gateway, PtzJob('GetDevicePresets'))
    assert second.status == UNCHANGED and not second.changed
    assert camera_bodies(gateway)[2:] == [{'sessionDataId': 0}, {'sessionDataId': 8}]
    assert not gateway.tasks


def test_an_error_in_the_first_step_stops_before_the_second(mock):
    gateway = ptz_site(mock)
    gateway.outcomes[guid(1)] = 'error'
    [result] = run(gateway, PtzJob('GetDevicePresets'))
    assert result.status == FAILED and result.state == 'Error' and result.error_code == 61002 and not result.changed
    assert result.error == 'VMO61002: The operation failed. Communication with the device was lost.'
    assert len(gateway.requests('POST', 'ptzPresets')) == 1
    assert not gateway.tasks, 'the failed task must be cleaned up'


# -- timeouts and cleanup ------------------------------------------------------------------------------

def test_a_task_that_never_finishes_times_out_is_stopped_and_cleaned_up(mock):
    gateway = ptz_site(mock)
    gateway.outcomes[guid(1)] = 'hang'
    clock = FakeClock()
    [result] = run(gateway, PtzJob('DefaultPtzPreset', preset='Gate', wait_timeout=5, wait_sleep=2), clock=clock)
    assert result.status == TIMED_OUT and result.state == 'InProgress' and result.progress == 42
    assert 'task 1 was still InProgress at 42% after 5.0 s' in result.error
    assert clock.sleeps == [2, 2, 1]
    assert [query for _m, _p, query in gateway.requests('POST', 'tasks/1')] == ['task=TaskStop', 'task=TaskCleanup']
    assert result.left_behind == [] and not gateway.tasks


def test_a_task_that_cannot_be_cleaned_up_is_reported_as_left_behind(mock):
    gateway = ptz_site(mock)
    gateway.outcomes[guid(1)] = 'hang'
    gateway.faults.append(['POST', 'task=TaskCleanup', 400, 5])
    [result] = run(gateway, PtzJob('DefaultPtzPreset', preset='Gate', wait_timeout=1, wait_sleep=1))
    assert result.status == TIMED_OUT and result.left_behind == ['1']
    assert 'task 1 could not be cleaned up' in result.error
    assert '1' in gateway.tasks
    message = failure_message('DefaultPtzPreset', [result], 1.0, FailureTolerance())
    assert 'timed out (task 1)' in message and 'Tasks left behind on the server: 1' in message


def test_wait_false_starts_and_leaves_the_task(mock):
    gateway = ptz_site(mock)
    [result] = run(gateway, PtzJob('DefaultPtzPreset', preset='Gate', wait=False))
    assert result.status == STARTED and result.changed and result.state == 'Idle' and result.left_behind == ['1']
    assert not gateway.requests('GET', 'tasks/') and not gateway.requests('POST', 'TaskCleanup')


def test_cleanup_false_leaves_finished_tasks(mock):
    gateway = ptz_site(mock)
    [result] = run(gateway, PtzJob('GetDevicePresets', cleanup=False))
    assert result.left_behind == ['1', '2'] and set(gateway.tasks) == {'1', '2'}
    assert left_behind([result]) == ['1', '2']


# -- ambiguous invocations -----------------------------------------------------------------------------

def test_a_lost_answer_is_not_repeated_when_the_task_was_started(mock):
    gateway = ptz_site(mock)
    gateway.tasks['99'] = dict(id='99', camera=guid(1), effect='default', preset=guid(12, 'p'), state='Success', progress=100,
                               polls=0, outcome='success', sessionDataId=0)  # an old task of the same camera
    gateway.faults.append(['POST', 'task=DefaultPtzPreset', 502, 1, 'after'])
    [result] = run(gateway, PtzJob('DefaultPtzPreset', preset='Gate'))
    assert result.status == CHANGED, result.error
    assert len(gateway.requests('POST', 'task=DefaultPtzPreset')) == 1, 'the POST must not be repeated'
    assert result.as_result()['task_ids'] == ['1'], 'the task found is the new one, not the old task 99'
    assert set(gateway.tasks) == {'99'}


def test_a_lost_request_is_repeated_when_no_task_was_started(mock):
    gateway = ptz_site(mock)
    gateway.faults.append(['POST', 'task=DefaultPtzPreset', 502, 1])
    [result] = run(gateway, PtzJob('DefaultPtzPreset', preset='Gate'))
    assert result.status == CHANGED
    assert len(gateway.requests('POST', 'task=DefaultPtzPreset')) == 2 and not gateway.tasks


def test_without_a_task_list_an_ambiguous_post_is_never_repeated(mock):
    gateway = ptz_site(mock)
    gateway.faults.append(['GET', 'tasks?', 403, 1])
    gateway.faults.append(['POST', 'task=DefaultPtzPreset', 502, 1, 'after'])
    [result] = run(gateway, PtzJob('DefaultPtzPreset', preset='Gate'))
    assert result.status == FAILED and 'HTTP 502' in result.error
    assert len(gateway.requests('POST', 'task=DefaultPtzPreset')) == 1


def test_a_503_on_invoke_is_repeated_by_the_client(mock):
    gateway = ptz_site(mock)
    gateway.faults.append(['POST', 'task=GetDevicePresets', 503, 2])
    [result] = run(gateway, PtzJob('GetDevicePresets'), retries=3)
    assert result.status in (CHANGED, UNCHANGED) and not gateway.tasks


# -- fleets --------------------------------------------------------------------------------------------

def test_one_failing_camera_does_not_stop_the_others(mock):
    gateway = ptz_site(mock, 12)
    gateway.outcomes[guid(4)] = 'error'
    gateway.outcomes[guid(9)] = 'error'
    gateway.delay = 0.01  # long enough for the workers' requests to overlap
    results = PtzRunner(make_client(), PtzJob('DefaultPtzPreset', preset='Gate', wait_sleep=0.001)).run(
        [gateway.cameras[guid(number)] for number in range(1, 13)] + [gateway.cameras[guid(100)]], workers=4)
    assert [result.camera_name for result in results] == [f'PTZ {number}' for number in range(1, 13)] + ['Fixed']
    counts = totals(results)
    assert counts == {'changed': 10, 'unchanged': 0, 'would_change': 0, 'started': 0, 'skipped': 0, 'failed': 3, 'timed_out': 0,
                      'not_attempted': 0, 'cameras': 13, 'failures': 3}
    assert [result.changed for result in results] == [number not in (4, 9) for number in range(1, 13)] + [False]
    assert 1 < gateway.max_in_flight <= 4
    assert not gateway.tasks
    assert [path for _m, path, _q in gateway.log].count('tasks') == 1, 'one task list for the whole run, before the first invocation'
    message = failure_message('DefaultPtzPreset', results, 2.0, FailureTolerance.parse('20%'))
    assert message.startswith('DefaultPtzPreset failed on 3 of 13 cameras (failure_tolerance 20%): ')
    assert re.search(rf"'PTZ 4' \({guid(4)}\) failed \(task \d+\): VMO61002: The operation failed", message), message
    assert "'Fixed'" in message and 'not a PTZ camera' in message
    assert FailureTolerance.parse('25%').exceeded(3, 13) is False
    assert summary('DefaultPtzPreset', results, 2.0) == 'DefaultPtzPreset on 13 cameras in 2.0 s: 10 changed, 3 failed'


def test_diff_shows_each_changed_camera(mock):
    gateway = ptz_site(mock, 2)
    results = run(gateway, PtzJob('DefaultPtzPreset', preset='Gate'), (1, 2))
    assert diff(results) == {'before': {'PTZ 1': 'Home', 'PTZ 2': 'Home'}, 'after': {'PTZ 1': 'Gate', 'PTZ 2': 'Gate'}}
    gateway.cameras[guid(2)]['name'] = 'PTZ 1'
    twice = run(gateway, PtzJob('DefaultPtzPreset', preset='Overview'), (1, 2))
    assert set(diff(twice)['after']) == {f'PTZ 1 ({guid(1)})', f'PTZ 1 ({guid(2)})'}


def test_results_are_plain_data(mock):
    gateway = ptz_site(mock)
    [result] = run(gateway, PtzJob('DefaultPtzPreset', preset='Gate'))
    data = result.as_result()
    assert json.loads(json.dumps(data)) == data
    assert set(data) == {'camera_id', 'camera_name', 'task', 'status', 'changed', 'task_id', 'task_ids', 'state', 'progress', 'duration',
                         'error', 'error_code', 'tasks_left_behind', 'preset'}


@pytest.mark.parametrize('value, expected', [(6, 6), ('7', 7)])
def test_step_two_gets_the_session_id_of_step_one(value, expected):
    from ansible_collections.milestone.xprotect.plugins.module_utils._ptz import next_session_id  # pylint: disable=import-outside-toplevel
    assert next_session_id({'sessionDataId': value}, 0) == expected


@pytest.mark.parametrize('task', [{}, {'sessionDataId': 0}, {'sessionDataId': None}, {'sessionDataId': 'x'}, {'sessionDataId': True}])
def test_a_step_one_without_a_session_id_is_an_error_not_a_quiet_success(task):
    from ansible_collections.milestone.xprotect.plugins.module_utils._ptz import next_session_id  # pylint: disable=import-outside-toplevel
    with pytest.raises(PtzError, match='finished without a new session id for step 2'):
        next_session_id(task, 0)
