# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The hardware module's action plugin: the report written on the controller from the module's result, without a module run."""

from __future__ import annotations

import os
from unittest import mock

import pytest

from ansible_collections.milestone.xprotect.plugins.action.hardware import ActionModule, report_settings, write_if_different

RESULT = {'changed': True, 'failed': False, 'duration': 1.5, 'msg': '2 hardware: 1 added, 1 unchanged in 1.5 s',
          'hardware': [
              {'item': 0, 'status': 'changed', 'action': 'add', 'address': 'http://192.0.2.11/', 'recording_server': 'XPRS01',
               'name': 'Lobby', 'id': 'id-1', 'changes': ['added'], 'error': ''},
              {'item': 1, 'status': 'unchanged', 'action': 'none', 'address': 'http://192.0.2.13/', 'recording_server': 'XPRS01',
               'name': 'Dock', 'id': 'id-3', 'changes': [], 'error': ''}]}


def action(args, module_result=None, check_mode=False):
    task = mock.MagicMock(async_val=0, check_mode=check_mode, args=args)
    plugin = ActionModule(task, mock.MagicMock(), mock.MagicMock(), loader=None, templar=None, shared_loader_obj=None)
    plugin._execute_module = mock.MagicMock(return_value=dict(module_result if module_result is not None else RESULT))
    return plugin


def test_the_report_is_written_once_and_left_alone_when_it_says_the_same(tmp_path):
    folder = tmp_path / 'reports' / 'site'
    report = {'path': str(folder), 'sources': ['cameras.csv row 2', 'cameras.csv row 3'], 'origins': ['cameras.csv']}
    args = {'items': [{'address': '192.0.2.11'}], 'report': report}
    plugin = action(args)
    result = plugin.run(task_vars={})
    # the module never sees the option
    assert plugin._execute_module.call_args.kwargs['module_args'] == {'items': [{'address': '192.0.2.11'}]}
    files = [str(folder / 'hardware_report.md'), str(folder / 'hardware_report.csv')]
    assert result['report_files'] == files and result['report_written'] == files and result['changed'] and not result.get('failed')
    markdown = (folder / 'hardware_report.md').read_text(encoding='utf-8')
    assert '2 hardware from cameras.csv: 1 added, 1 unchanged.' in markdown and '| cameras.csv row 2 | http://192.0.2.11/ |' in markdown
    assert oct(os.stat(files[0]).st_mode & 0o777) == '0o644'
    before = os.stat(files[1]).st_mtime_ns
    again = action(args).run(task_vars={})
    assert again['report_written'] == [] and os.stat(files[1]).st_mtime_ns == before
    assert sorted(os.listdir(folder)) == ['hardware_report.csv', 'hardware_report.md']


def test_check_mode_writes_the_review_and_a_failed_run_still_gets_its_report(tmp_path):
    result = action({'address': 'x', 'report': {'path': str(tmp_path), 'name': 'review'}}, check_mode=True).run(task_vars={})
    assert (tmp_path / 'review.md').read_text(encoding='utf-8').startswith('# Hardware import (check mode: nothing was changed)')
    failed = dict(RESULT, failed=True, msg='1 failed hardware is beyond the failure tolerance of 0.')
    result = action({'address': 'x', 'report': {'path': str(tmp_path)}}, module_result=failed).run(task_vars={})
    assert result['failed'] and result['msg'] == failed['msg'] and result['report_written']


@pytest.mark.parametrize('report, expected', [
    ('reports/', 'report must be a dictionary with at least path'),
    ({'name': 'x'}, 'missing required arguments: path'),
    ({'path': '/tmp', 'name': '../x'}, "report.name must be a file name without a folder (such as hardware_report), not '../x'"),
    ({'path': '/tmp', 'formats': ['html']}, 'formats'),
])
def test_a_bad_report_option_fails_before_the_module_runs(report, expected):
    plugin = action({'address': '192.0.2.11', 'report': report})
    result = plugin.run(task_vars={})
    assert result['failed'] and not result['changed'] and expected in result['msg'], result['msg']
    plugin._execute_module.assert_not_called()


def test_a_folder_that_cannot_be_written_fails_after_the_run_and_keeps_its_result(tmp_path):
    taken = tmp_path / 'taken'
    taken.write_text('a file, not a folder', encoding='utf-8')
    result = action({'address': 'x', 'report': {'path': str(taken)}}).run(task_vars={})
    assert result['failed'] and result['changed'] and result['hardware'] == RESULT['hardware']
    assert result['msg'].startswith(f'The hardware run ended, but the report could not be written to {taken}: ')
    assert 'What the run did stands; fix the folder and run again for the report.' in result['msg']
    failed = dict(RESULT, failed=True, msg='The run failed.')
    result = action({'address': 'x', 'report': {'path': str(taken)}}, module_result=failed).run(task_vars={})
    assert result['msg'].startswith(f'The run failed. Also, the report could not be written to {taken}: ')


def test_report_settings_and_writing_alone(tmp_path):
    settings, problem = report_settings({'path': '~/reports'})
    assert problem is None and settings['name'] == 'hardware_report' and settings['sources'] == []
    path = str(tmp_path / 'a.md')
    assert write_if_different(path, 'one\n') and not write_if_different(path, 'one\n') and write_if_different(path, 'two\n')
    assert (tmp_path / 'a.md').read_text(encoding='utf-8') == 'two\n' and os.listdir(tmp_path) == ['a.md']
