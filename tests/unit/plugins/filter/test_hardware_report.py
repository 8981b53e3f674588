# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""milestone.xprotect.hardware_report: the account of a hardware run per hardware, and its Markdown and CSV reports."""

from __future__ import annotations

import csv
import io

import pytest
import yaml

from ansible.errors import AnsibleFilterError

from ansible_collections.milestone.xprotect.plugins.filter import hardware_report as plugin
from ansible_collections.milestone.xprotect.plugins.filter.hardware_report import FilterModule, hardware_report

SOURCES = ['cameras.csv rows 2-3', 'cameras.csv row 4', 'cameras.csv row 5', 'hardware_import_list[0]']


def entry(item, status, action, address, **more):
    return dict({'item': item, 'status': status, 'action': action, 'address': address, 'recording_server': 'XPRS01', 'name': None,
                 'id': None, 'changes': [], 'error': ''}, **more)


RESULT = {'changed': True, 'failed': False, 'duration': 4.25, 'msg': '4 hardware: 1 added, 1 updated, 1 unchanged, 1 failed in 4.2 s',
          'hardware': [
              entry(0, 'changed', 'add', 'http://192.0.2.11/', name='Lobby', id='id-1', changes=['added', 'name', 'enabled']),
              entry(1, 'failed', 'add', 'http://192.0.2.15/', error='hardware 192.0.2.15: the device cannot be reached.\nThe server said: VMO60281'),
              entry(2, 'unchanged', 'none', 'http://192.0.2.13/', name='Dock | north', id='id-3'),
              entry(3, 'changed', 'update', 'http://cam-gate.xprs01.example/', name='Gate "PTZ"', id='id-4', changes=['cameras[0].name']),
          ]}


def test_the_account_names_each_hardware_by_its_source_and_outcome_failures_first():
    report = hardware_report(RESULT, sources=SOURCES, origins=['cameras.csv'], columns=['Address'], ignored_columns=['DriverGroup'])
    assert [(item['source'], item['outcome']) for item in report['entries']] == [
        ('cameras.csv rows 2-3', 'added'), ('cameras.csv row 4', 'failed'), ('cameras.csv row 5', 'unchanged'),
        ('hardware_import_list[0]', 'changed')]
    assert list(report['counts'].items()) == [('failed', 1), ('added', 1), ('changed', 1), ('unchanged', 1)]
    assert report['summary'] == '1 failed, 1 added, 1 changed, 1 unchanged'
    assert report['lines'][0] == ('Failed (1): cameras.csv row 4 http://192.0.2.15/: hardware 192.0.2.15: the device cannot be reached.\n'
                                  'The server said: VMO60281')
    assert report['lines'][1] == 'Added (1): http://192.0.2.11/ Lobby'
    assert (report['hardware'], report['worked_on'], report['module_failed'], report['duration']) == (4, 4, False, 4.25)
    documented = yaml.safe_load(plugin.RETURN)['_value']['contains']
    assert sorted(documented) == sorted(report)
    assert FilterModule().filters() == {'hardware_report': hardware_report}


def test_check_mode_says_would_be():
    result = {'hardware': [entry(0, 'would_change', 'add', 'http://192.0.2.11/'), entry(1, 'would_change', 'update', 'http://192.0.2.12/'),
                           entry(2, 'not_attempted', 'none', 'http://192.0.2.13/'), entry(3, 'timed_out', 'add', 'http://192.0.2.14/')]}
    report = hardware_report(result, check_mode=True)
    assert [item['outcome'] for item in report['entries']] == ['would be added', 'would be changed', 'not attempted', 'failed']
    assert [item['source'] for item in report['entries']] == ['items[0]', 'items[1]', 'items[2]', 'items[3]']
    text = hardware_report(result, check_mode=True, format='markdown')
    assert text.startswith('# Hardware import (check mode: nothing was changed)\n\n4 hardware from the items given: 1 failed, '
                           '1 not attempted, 1 would be added, 1 would be changed.\n')
    assert '## Would be added (1)' in text and 'says what a run would do' in text


def test_a_module_that_failed_before_any_hardware_names_the_sources_in_its_message():
    result = {'failed': True, 'msg': 'items[1]: address "http://x/y" has a path or query; items[7]: ...'}
    report = hardware_report(result, sources=SOURCES)
    assert report['module_failed'] and report['entries'] == [] and report['hardware'] == 4
    assert report['message'] == 'cameras.csv row 4: address "http://x/y" has a path or query; items[7]: ...'
    assert '**The import failed:** cameras.csv row 4: address "http://x/y" has a path or query' in hardware_report(
        result, sources=SOURCES, format='markdown')


def test_the_markdown_report_escapes_its_cells_and_lists_the_columns():
    text = hardware_report(RESULT, sources=SOURCES, origins=['cameras.csv'], columns=['Address', 'Name'], ignored_columns=['DriverGroup'],
                           format='markdown')
    assert '4 hardware from cameras.csv: 1 failed, 1 added, 1 changed, 1 unchanged.\n' in text
    assert 'Columns read: Address, Name. Columns ignored: DriverGroup.' in text
    assert text.index('## Failed (1)') < text.index('## Added (1)') < text.index('## Changed (1)') < text.index('## Unchanged (1)')
    assert '| cameras.csv row 5 | http://192.0.2.13/ | XPRS01 | Dock \\| north | id-3 | - |' in text
    assert '| cameras.csv row 4 | http://192.0.2.15/ | XPRS01 |  | - | hardware 192.0.2.15: the device cannot be reached. The server said' in text
    assert '| cameras.csv rows 2-3 | http://192.0.2.11/ | XPRS01 | Lobby | id-1 | added, name, enabled |' in text


def test_the_csv_report_has_a_row_per_hardware_in_item_order():
    rows = list(csv.DictReader(io.StringIO(hardware_report(RESULT, sources=SOURCES, format='csv'))))
    assert [row['Result'] for row in rows] == ['added', 'failed', 'unchanged', 'changed']
    assert rows[3] == {'Source': 'hardware_import_list[0]', 'Address': 'http://cam-gate.xprs01.example/', 'RecordingServer': 'XPRS01',
                       'HardwareName': 'Gate "PTZ"', 'Id': 'id-4', 'Result': 'changed', 'Action': 'update', 'Changes': 'cameras[0].name',
                       'Reason': ''}
    assert rows[1]['Reason'] == 'hardware 192.0.2.15: the device cannot be reached. The server said: VMO60281'
    assert rows[0]['Changes'] == 'added; name; enabled'


def test_bad_input():
    with pytest.raises(AnsibleFilterError, match='expects the registered result of milestone.xprotect.hardware, not list'):
        hardware_report([])
    with pytest.raises(AnsibleFilterError, match="format must be account, markdown or csv, not 'html'"):
        hardware_report(RESULT, format='html')
