# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test-only callback: writes every task result of a playbook run as JSON lines to $RESULT_COLLECTOR_FILE.

Results marked no_log are recorded censored, exactly as a user would see them.
"""

from __future__ import annotations

DOCUMENTATION = r'''
name: result_collector
type: aggregate
short_description: Record task results as JSON lines (tests only)
description:
  - Appends one JSON object per task result to the file named by E(RESULT_COLLECTOR_FILE).
requirements:
  - enabled through ANSIBLE_CALLBACKS_ENABLED
'''

import json
import os
import time

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    """Append task results to a JSON-lines file."""

    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'result_collector'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super().__init__()
        self._path = os.environ.get('RESULT_COLLECTOR_FILE')
        self._started = time.monotonic()

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._started = time.monotonic()

    def _record(self, status, result):
        if not self._path:
            return
        data = dict(result._result)  # pylint: disable=protected-access
        # ansible-core 2.19 keeps the failed flag out of some results; the callback's status is authoritative.
        data['failed'] = status == 'failed'
        if data.get('_ansible_no_log'):
            data = {'censored': 'the output has been hidden', 'changed': data.get('changed', False),
                    'failed': data.get('failed', False)}
        record = {
            # the task's own name: ansible-core 2.21 prefixes task_name with the role ("role : name")
            'task': result._task.name or result.task_name,  # pylint: disable=protected-access
            'action': result._task.action,  # pylint: disable=protected-access
            'host': result._host.get_name(),  # pylint: disable=protected-access
            'status': status,
            # seconds since the task started (for finding what makes a test slow; never asserted on)
            'seconds': round(time.monotonic() - self._started, 3),
            'result': data,
        }
        with open(self._path, 'a', encoding='utf-8') as handle:
            handle.write(json.dumps(record, default=str) + '\n')

    def v2_runner_on_ok(self, result):
        self._record('ok', result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record('failed', result)

    def v2_runner_on_skipped(self, result):
        self._record('skipped', result)

    def v2_runner_on_unreachable(self, result):
        self._record('unreachable', result)
