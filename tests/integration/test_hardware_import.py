# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The hardware_import role and the import_hardware playbook against the simulator's camera network.

A spreadsheet as Excel writes it (byte order mark, semicolons, CRLF, an encoder's channels on rows of their own) is
reviewed in check mode without a single write, imported with an unreachable device and a refused password reported
with their reasons within the tolerance, and imported again without a change. A YAML list on two recording servers,
a failure beyond the tolerance and a broken spreadsheet follow in one more run. No password appears in any output, at
-vvvv, nor in the reports.

One simulator for the file and four ansible-playbook runs: the suite is CPU-bound.
"""

from __future__ import annotations

import csv
import io
import typing as t

import pytest

from harness import run_playbook
from simulator.process import SimulatorProcess

WRITES = ('POST', 'PUT', 'PATCH', 'DELETE')
#: The devices' and the role's passwords: none may appear in any output or report.
SECRETS = ('Hanwha-6080R', 'Bosch-Secret-9', 'Role-Default-77', 'Gate-PTZ-7')
SHEET = ('\ufeffAddress;RecordingServer;UserName;Password;DriverNumber;DriverGroup;HardwareName;Description;DeviceType;Channel;Name;Enabled\r\n'
         '192.0.2.11;XPRS01;root;pass;;AXIS;Lobby;;Camera;0;Lobby entrance;True\r\n'
         '192.0.2.11;XPRS01;;;;;;;Microphone;0;Lobby mic;TRUE\r\n'
         'http://192.0.2.12;XPRS01;root;pass;10;;Hall encoder;;Camera;0;Hall north;True\r\n'
         '192.0.2.12;XPRS01;;;;;;;Camera;1;"Hall south; stairs";True\r\n'
         '192.0.2.12;XPRS01;;;;;;;Camera;3;;False\r\n'
         '192.0.2.13;XPRS01;admin;Hanwha-6080R;;;Dock;Loading dock;;;;\r\n'
         '192.0.2.14;XPRS01;admin;;;;Yard;;;;;\r\n'           # the role's default password, which the device refuses
         '192.0.2.15;XPRS01;service;Bosch-Secret-9;;;Bosch;;;;;\r\n')  # switched off
REPORT = 'Add up the hardware'


@pytest.fixture(scope='module', name='sim')
def sim_fixture() -> t.Iterator[SimulatorProcess]:
    sim = SimulatorProcess('--cameras', '10', '--task-seconds', '0.2')
    sim.start()
    yield sim
    sim.stop()


def api(sim: SimulatorProcess, path: str) -> t.Any:
    status, payload = sim.api('GET', path)
    assert status == 200, (path, payload)
    return payload


def hardware_at(sim: SimulatorProcess, host: str) -> dict[str, t.Any]:
    [found] = [hw for hw in api(sim, '/hardware?disabled')['array'] if f'//{host}/' in hw['address']]
    return found


def devices(sim: SimulatorProcess, hardware_id: str, kind: str) -> list[tuple[int, str, bool]]:
    listed = api(sim, f'/hardware/{hardware_id}/{kind}?disabled')['array']
    return sorted((device['channel'], device['name'], device['enabled']) for device in listed)


def report_of(run: t.Any, index: int = -1) -> dict[str, t.Any]:
    return run.result(REPORT, index)['ansible_facts']['hardware_import_report']


def by_address(report: dict[str, t.Any]) -> dict[str, dict[str, t.Any]]:
    return {entry['address'].split('//')[1].split('/')[0]: entry for entry in report['entries']}


def no_secret_in(*texts: str) -> None:
    for text in texts:
        leaked = [secret for secret in SECRETS if secret in text]
        assert not leaked, f'{leaked} in {text[:2000]}'


def read(path: str) -> str:
    with open(path, encoding='utf-8') as handle:
        return handle.read()


def test_a_spreadsheet_is_reviewed_then_imported_with_its_failures_reported_then_re_run_unchanged(sim, tmp_path):
    sim.reset()
    sheet = tmp_path / 'cameras.csv'
    sheet.write_bytes(SHEET.encode('utf-8'))
    reports = tmp_path / 'reports'
    # The password in a vars file, as the playbook asks (ansible-playbook -vvvv prints its command line's extra vars).
    secrets = tmp_path / 'vault.yml'
    secrets.write_text('hardware_password: Role-Default-77\n', encoding='utf-8')
    extra = {'hardware_csv': str(sheet), 'hardware_failure_tolerance': 2, 'hardware_report_dir': str(reports),
             'hardware_import_wait_sleep': 0.1}
    args = ['-e', f'@{secrets}']

    review = run_playbook(sim, 'milestone.xprotect.import_hardware', check=True, extra_vars=extra, args=args)
    assert review.rc == 0, review.explain()
    assert [entry for entry in sim.requests_log('rest') if entry['method'] in WRITES] == []
    planned = report_of(review)
    assert planned['check_mode'] and planned['counts'] == {'would be added': 5}
    assert [entry['source'] for entry in planned['entries']] == ['cameras.csv rows 2-3', 'cameras.csv rows 4-6', 'cameras.csv row 7',
                                                                 'cameras.csv row 8', 'cameras.csv row 9']
    assert planned['ignored_columns'] == ['DriverGroup']
    markdown = read(reports / 'hardware_import_report.md')
    assert markdown.startswith('# Hardware import (check mode: nothing was changed)\n')
    assert '5 hardware from cameras.csv: 5 would be added.' in markdown and '## Would be added (5)' in markdown
    assert api(sim, '/hardware?disabled')['array'] and not [hw for hw in api(sim, '/hardware?disabled')['array'] if '192.0.2.' in hw['address']]

    imported = run_playbook(sim, 'milestone.xprotect.import_hardware', extra_vars=extra, args=args, verbosity=4)
    assert imported.rc == 0, imported.explain()
    assert imported.records('Import the hardware')[0]['result'].get('censored')
    report = report_of(imported)
    assert report['counts'] == {'added': 3, 'failed': 2} and not report['check_mode'] and not report['module_failed']
    entries = by_address(report)
    assert entries['192.0.2.14']['source'] == 'cameras.csv row 8' and entries['192.0.2.14']['outcome'] == 'failed'
    # (the user name shows masked: the simulator's admin password is admin too)
    assert 'answers, but refused the user name' in entries['192.0.2.14']['reason']
    assert 'cannot be reached from recording server "XPRS01"' in entries['192.0.2.15']['reason']
    assert {'added', 'name', 'enabled', 'cameras[1].name'} <= set(entries['192.0.2.12']['changes'])
    # on the server: the hardware, their devices as the rows say, the other cameras of new hardware enabled
    lobby = hardware_at(sim, '192.0.2.11')
    assert lobby['name'] == 'Lobby' and lobby['enabled']
    assert devices(sim, lobby['id'], 'cameras') == [(0, 'Lobby entrance', True)]
    assert devices(sim, lobby['id'], 'microphones') == [(0, 'Lobby mic', True)]
    encoder = hardware_at(sim, '192.0.2.12')
    cameras = devices(sim, encoder['id'], 'cameras')
    assert [camera[0::2] for camera in cameras] == [(0, True), (1, True), (2, True), (3, False)]
    assert [camera[1] for camera in cameras[:2]] == ['Hall north', 'Hall south; stairs']
    assert hardware_at(sim, '192.0.2.13')['description'] == 'Loading dock'
    # the reports: every hardware with what happened, the failures with their reason, no password
    markdown = read(reports / 'hardware_import_report.md')
    assert '5 hardware from cameras.csv: 2 failed, 3 added.' in markdown
    assert markdown.index('## Failed (2)') < markdown.index('## Added (3)')
    assert f'| cameras.csv rows 4-6 | http://192.0.2.12/ | XPRS01 | Hall encoder | {encoder["id"]} | added, ' in markdown
    rows = {row['Address']: row for row in csv.DictReader(io.StringIO(read(reports / 'hardware_import_report.csv')))}
    assert {address: row['Result'] for address, row in rows.items()} == {
        'http://192.0.2.11/': 'added', 'http://192.0.2.12/': 'added', 'http://192.0.2.13/': 'added', 'http://192.0.2.14/': 'failed',
        'http://192.0.2.15/': 'failed'}
    assert rows['http://192.0.2.15/']['Source'] == 'cameras.csv row 9' and 'cannot be reached' in rows['http://192.0.2.15/']['Reason']
    assert rows['http://192.0.2.11/']['Id'] == lobby['id'] and rows['http://192.0.2.11/']['HardwareName'] == 'Lobby'
    no_secret_in(imported.output, markdown, read(reports / 'hardware_import_report.csv'))

    sim.reset(stats_only=True)
    again = run_playbook(sim, 'milestone.xprotect.import_hardware', extra_vars=extra, args=args)
    assert again.rc == 0, again.explain()
    assert report_of(again)['counts'] == {'unchanged': 3, 'failed': 2}
    # the report is written by the module's action plugin: no module run of its own
    assert [record['action'] for record in again.results if record['action'].startswith(('ansible.builtin.copy', 'ansible.builtin.file'))] == []
    assert '5 hardware from cameras.csv: 2 failed, 3 unchanged.' in read(reports / 'hardware_import_report.md')
    assert not again.result('Import the hardware')['changed'] and 'changed=0' in again.stdout
    # the only writes: the failing devices' scans, tried again, and their cleanup
    writes = [entry for entry in sim.requests_log('rest') if entry['method'] in WRITES]
    assert writes and all(entry['method'] == 'POST' and ('task=HardwareScan' in entry['query'] or 'task=TaskCleanup' in entry['query'])
                          for entry in writes), writes
    no_secret_in(again.output)


def test_a_yaml_list_a_failure_beyond_the_tolerance_and_a_broken_spreadsheet(sim, tmp_path):
    sim.reset()
    broken = tmp_path / 'broken.csv'
    broken.write_text('Address,DriverNumber,HardwareNmae\n192.0.2.11,10,Lobby\n192.0.2.12,ten,Hall\n', encoding='utf-8')
    listed = [
        {'address': 'cam-gate.xprs01.example', 'recording_server': 'XPRS01', 'username': 'root', 'password': 'Gate-PTZ-7', 'name': 'Gate PTZ',
         'devices': {'cameras': [{'channel': 0, 'name': 'Gate'}], 'outputs': [{'channel': 0, 'enabled': True}]}},
        {'address': '198.51.100.12', 'recording_server': 'XPRS02', 'driver': 10, 'name': 'Annex encoder'},
    ]
    play = [{'hosts': 'localhost', 'gather_facts': False, 'tasks': [
        {'name': 'Import a list', 'ansible.builtin.include_role': {'name': 'milestone.xprotect.hardware_import'},
         'vars': {'hardware_import_list': listed, 'hardware_import_username': 'root', 'hardware_import_password': 'pass',
                  'hardware_import_wait_sleep': 0.1}},
        {'block': [{'name': 'Import beyond the tolerance', 'ansible.builtin.include_role': {'name': 'milestone.xprotect.hardware_import'},
                    'vars': {'hardware_import_list': [{'address': '198.51.100.15', 'recording_server': 'XPRS02', 'username': 'service',
                                                       'password': 'Bosch-Secret-9'}],
                             'hardware_import_wait_sleep': 0.1, 'hardware_import_report_dir': str(tmp_path / 'beyond')}}],
         'rescue': [{'name': 'Beyond the tolerance', 'ansible.builtin.debug': {'msg': '{{ ansible_failed_result.msg }}'}}]},
        {'block': [{'name': 'Import a broken sheet', 'ansible.builtin.include_role': {'name': 'milestone.xprotect.hardware_import'},
                    'vars': {'hardware_import_csv': str(broken)}}],
         'rescue': [{'name': 'The broken sheet', 'ansible.builtin.debug': {'msg': '{{ ansible_failed_result.msg }}'}}]},
    ]}]
    run = run_playbook(sim, play, verbosity=4)
    assert run.rc == 0, run.explain()
    imported = report_of(run, 0)
    assert imported['counts'] == {'added': 2} and [entry['source'] for entry in imported['entries']] == [
        'hardware_import_list[0]', 'hardware_import_list[1]']
    gate = hardware_at(sim, 'cam-gate.xprs01.example')
    assert gate['name'] == 'Gate PTZ' and devices(sim, gate['id'], 'cameras') == [(0, 'Gate', True)]
    assert [output[2] for output in devices(sim, gate['id'], 'outputs')] == [True]
    annex = hardware_at(sim, '198.51.100.12')
    servers = {server['id']: server['name'] for server in api(sim, '/recordingServers')['array']}
    assert servers[annex['relations']['parent']['id']] == 'XPRS02' and annex['name'] == 'Annex encoder'

    beyond = run.result('Beyond the tolerance')['msg']
    assert beyond.startswith('1 of 1 hardware failed (failure_tolerance 0): hardware 198.51.100.15:') and 'cannot be reached' in beyond
    assert report_of(run, 1)['counts'] == {'failed': 1}
    assert '## Failed (1)' in read(tmp_path / 'beyond' / 'hardware_import_report.md')

    message = run.result('The broken sheet')['msg']
    assert "broken.csv: unknown column 'HardwareNmae' (did you mean HardwareName?)" in message
    assert "row 3, column DriverNumber: 'ten' is not a driver number" in message
    no_secret_in(run.output, read(tmp_path / 'beyond' / 'hardware_import_report.md'))
