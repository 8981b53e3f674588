# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the task waiter and the bounded-concurrency helper, on a fake clock."""

from __future__ import annotations

import threading
import time

import pytest

from ansible_collections.milestone.xprotect.plugins.module_utils._concurrency import map_bounded
from ansible_collections.milestone.xprotect.plugins.module_utils._errors import TaskTimeoutError
from ansible_collections.milestone.xprotect.plugins.module_utils._waiter import wait_for_task


class FakeClock:
    def __init__(self):
        self.now = 100.0
        self.sleeps = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


def scripted(states):
    """A get_task that walks through ``states`` (one per poll), repeating the last one."""
    polls = []

    def get_task(task_id):
        state, progress = states[min(len(polls), len(states) - 1)]
        polls.append(task_id)
        task = {'state': state, 'progress': progress, 'relations': {'self': {'type': 'tasks', 'id': task_id}}}
        if state == 'Error':
            task.update(errorCode=60277, errorText='VMO60277: device did not answer')
        return task

    return get_task, polls


def test_waits_until_success_and_reports_duration():
    clock = FakeClock()
    get_task, polls = scripted([('Idle', 0), ('InProgress', 40), ('InProgress', 80), ('Success', 100)])
    outcome = wait_for_task(get_task, '81', timeout=30, sleep=2, clock=clock, sleeper=clock.sleep)
    assert outcome.succeeded and outcome.progress == 100 and outcome.task_id == '81'
    assert outcome.duration == pytest.approx(6)
    assert len(polls) == 4 and clock.sleeps == [2, 2, 2]


def test_an_error_state_is_a_finished_task_not_an_exception():
    clock = FakeClock()
    get_task, _polls = scripted([('InProgress', 50), ('Error', 100)])
    outcome = wait_for_task(get_task, '7', timeout=30, sleep=1, clock=clock, sleeper=clock.sleep)
    assert outcome.state == 'Error' and not outcome.succeeded
    assert outcome.error_text == 'VMO60277: device did not answer'


def test_timeout_raises_with_the_last_task_seen():
    clock = FakeClock()
    get_task, polls = scripted([('Idle', 0), ('InProgress', 50)])
    with pytest.raises(TaskTimeoutError) as caught:
        wait_for_task(get_task, '9', timeout=5, sleep=2, clock=clock, sleeper=clock.sleep)
    error = caught.value
    assert error.task_id == '9' and error.last_task['progress'] == 50 and error.duration == pytest.approx(5)
    assert 'task 9 was still InProgress at 50%' in str(error) and 'wait_timeout' in str(error)
    assert clock.sleeps == [2, 2, 1], 'the last sleep is cut to the deadline'
    assert len(polls) == 4


def test_time_before_the_first_poll_counts():
    clock = FakeClock()
    started = clock.now
    clock.now += 4  # the invocation itself took 4 s
    get_task, _polls = scripted([('InProgress', 10)])
    with pytest.raises(TaskTimeoutError) as caught:
        wait_for_task(get_task, '1', timeout=5, sleep=3, clock=clock, sleeper=clock.sleep, started=started)
    assert caught.value.duration == pytest.approx(5)


def test_map_bounded_keeps_order_isolates_failures_and_bounds_concurrency():
    active = [0]
    peak = [0]
    lock = threading.Lock()

    def work(number):
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        time.sleep(0.01)
        with lock:
            active[0] -= 1
        if number == 3:
            raise ValueError('camera 3 failed')
        return number * 10

    outcomes = map_bounded(work, range(12), workers=4)
    assert [o.item for o in outcomes] == list(range(12))
    assert [o.value for o in outcomes if o.ok] == [n * 10 for n in range(12) if n != 3]
    assert str(outcomes[3].error) == 'camera 3 failed'
    assert 1 < peak[0] <= 4
    assert map_bounded(work, [], workers=4) == []
