# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
name: hardware_report
short_description: The account of a milestone.xprotect.hardware run, per hardware, as data, Markdown or CSV
version_added: 0.2.0
author:
  - milestone.xprotect contributors (@milestone-xprotect)
description:
  - Turns the registered result of M(milestone.xprotect.hardware) into an account per hardware, where it came from
    (O(sources)), its address, recording server, name and id, and what happened to it. V(added), V(changed),
    V(replaced), V(moved), V(removed) (V(would be added), ... in check mode), V(unchanged), V(failed) with the reason, or
    V(not attempted).
  - With O(format=markdown) or O(format=csv) it returns the text of a report file instead, the ones the
    C(milestone.xprotect.hardware_import) role writes.
  - It reads only what the module returns, which holds no password, so the account and the reports hold none either.
  - A result without per-hardware results (the module failed before it worked on any) gives an account without entries,
    with the module's message, in which C(items[N]) is replaced by the hardware's source.
options:
  _input:
    description: The registered result of M(milestone.xprotect.hardware) (with C(items)).
    type: dict
    required: true
  sources:
    description:
      - Where each item came from, in the order of O(milestone.xprotect.hardware#module:items), such as
        C(cameras.csv rows 3-5) (RV(milestone.xprotect.hardware_rows#filter:_value.sources)). Items beyond the list are
        named C(items[N]).
    type: list
    elements: str
    default: []
  origins:
    description: What the hardware was read from, for the report's first line, such as C([cameras.csv]).
    type: list
    elements: str
    default: []
  check_mode:
    description: Whether the run was in check mode (the report then says it is a review).
    type: bool
    default: false
  columns:
    description: The spreadsheet's columns that were read, for the report.
    type: list
    elements: str
    default: []
  ignored_columns:
    description: The spreadsheet's columns that were ignored, for the report.
    type: list
    elements: str
    default: []
  format:
    description: V(account) returns the account as data; V(markdown) and V(csv) the text of a report file.
    type: str
    choices: [account, markdown, csv]
    default: account
'''

EXAMPLES = r'''
- name: Add the hardware
  milestone.xprotect.hardware:
    items: "{{ cameras.hardware }}"
  register: added
  no_log: true
  ignore_errors: true

- name: Account per hardware
  ansible.builtin.debug:
    msg: "{{ (added | milestone.xprotect.hardware_report(sources=cameras.sources)).lines }}"

- name: Write the report as CSV
  ansible.builtin.copy:
    content: "{{ added | milestone.xprotect.hardware_report(sources=cameras.sources, format='csv') }}"
    dest: reports/hardware.csv
    mode: "0644"
'''

RETURN = r'''
_value:
  description: With O(format=account), the account; with O(format=markdown) or O(format=csv), the text of the report file.
  type: raw
  contains:
    entries:
      description:
        - Per hardware, in the order of the items, C(source), C(address), C(recording_server), C(name), C(id), C(outcome),
          C(action), C(changes) (a list) and C(reason) (empty unless it failed).
      type: list
      elements: dict
    counts:
      description: Hardware per outcome, in the order the account lists them (failures first).
      type: dict
    summary:
      description: The counts in a few words, such as C(2 failed, 3 added); empty when no hardware was worked on.
      type: str
    lines:
      description: One line per outcome, such as C(Added (3)) with the addresses and names, and the failures with their reasons.
      type: list
      elements: str
    hardware:
      description: The number of hardware asked for (O(sources), or the items worked on).
      type: int
    origins:
      description: O(origins).
      type: list
      elements: str
    columns:
      description: O(columns).
      type: list
      elements: str
    ignored_columns:
      description: O(ignored_columns).
      type: list
      elements: str
    worked_on:
      description: The number of hardware the module reported on.
      type: int
    check_mode:
      description: O(check_mode).
      type: bool
    module_failed:
      description: Whether the module failed (beyond its failure tolerance, or before it worked on any hardware).
      type: bool
    message:
      description: The module's message, C(items[N]) replaced by the sources.
      type: str
    duration:
      description: Seconds the module's run took.
      type: float
  sample:
    entries:
      - {source: cameras.csv rows 3-5, address: 'http://192.0.2.12/', recording_server: XPRS01, name: Hall encoder,
         id: 6faf15a0-e9e3-4ebe-bbfe-0fe307d08108, outcome: added, action: add, changes: [added, name, enabled], reason: ''}
    counts: {added: 1}
    summary: 1 added
    lines: ['Added (1): http://192.0.2.12/ Hall encoder']
    hardware: 1
    worked_on: 1
    origins: [cameras.csv]
    columns: [Address, UserName, Password, HardwareName, DeviceType, Channel, Name]
    ignored_columns: []
    check_mode: false
    module_failed: false
    message: '1 hardware: 1 added, 0 unchanged in 4.2 s'
    duration: 4.2
'''

import csv
import io
import re
import typing as t

from ansible.errors import AnsibleFilterError

#: The outcomes, in the order the account and the reports list them.
OUTCOMES = ('failed', 'not attempted', 'would be added', 'added', 'would be changed', 'changed', 'would be replaced', 'replaced',
            'would be moved', 'moved', 'would be removed', 'removed', 'unchanged')
VERBS = {'add': 'added', 'update': 'changed', 'replace': 'replaced', 'move': 'moved', 'remove': 'removed'}
FAILURES = ('failed', 'not attempted')
#: Entries listed by address in an account line before it says how many more there are (the report lists them all).
SHOWN = 20
CSV_COLUMNS = ('Source', 'Address', 'RecordingServer', 'HardwareName', 'Id', 'Result', 'Action', 'Changes', 'Reason')


def _text(value: t.Any) -> str:
    return '' if value is None else str(value)


def _outcome(entry: dict[str, t.Any]) -> str:
    status = entry.get('status')
    if status in ('changed', 'would_change'):
        return ('would be ' if status == 'would_change' else '') + VERBS.get(str(entry.get('action')), 'changed')
    if status in ('unchanged', 'failed'):
        return str(status)
    if status == 'not_attempted':
        return 'not attempted'
    return 'failed'


def account(result: t.Any, sources: t.Sequence[str] = (), origins: t.Sequence[str] = (), check_mode: bool = False,
            columns: t.Sequence[str] = (), ignored_columns: t.Sequence[str] = ()) -> dict[str, t.Any]:
    """The account of a hardware run (see DOCUMENTATION)."""
    if not isinstance(result, dict):
        raise AnsibleFilterError(f'hardware_report expects the registered result of milestone.xprotect.hardware, not {type(result).__name__}')
    sources = [_text(source) for source in sources or []]

    def source_of(index: t.Any) -> str:
        return sources[index] if isinstance(index, int) and 0 <= index < len(sources) else f'items[{index}]'

    entries = []
    for entry in result.get('hardware') or []:
        if not isinstance(entry, dict):
            continue
        entries.append({'source': source_of(entry.get('item')), 'address': _text(entry.get('address')),
                        'recording_server': _text(entry.get('recording_server')), 'name': _text(entry.get('name')),
                        'id': _text(entry.get('id')), 'outcome': _outcome(entry), 'action': _text(entry.get('action')),
                        'changes': [str(change) for change in entry.get('changes') or []], 'reason': _text(entry.get('error'))})
    found = [entry['outcome'] for entry in entries]
    counts = {outcome: found.count(outcome) for outcome in OUTCOMES if outcome in found}
    message = re.sub(r'items\[([0-9]+)\]', lambda match: source_of(int(match.group(1))), _text(result.get('msg')))
    lines = []
    for outcome in counts:
        group = [entry for entry in entries if entry['outcome'] == outcome]
        if outcome in FAILURES:
            shown = '; '.join(f'{entry["source"]} {entry["address"]}: {entry["reason"]}'.rstrip(': ') for entry in group)
        else:
            shown = ', '.join(f'{entry["address"]} {entry["name"]}'.strip() for entry in group[:SHOWN])
            shown += f', ... and {len(group) - SHOWN} more' if len(group) > SHOWN else ''
        lines.append(f'{outcome.capitalize()} ({len(group)}): {shown}')
    return {
        'entries': entries,
        'counts': counts,
        'summary': ', '.join(f'{number} {outcome}' for outcome, number in counts.items()),
        'lines': lines,
        'hardware': max(len(sources), len(entries)),
        'worked_on': len(entries),
        'origins': [_text(origin) for origin in origins or []],
        'check_mode': bool(check_mode),
        'columns': [_text(column) for column in columns or []],
        'ignored_columns': [_text(column) for column in ignored_columns or []],
        'module_failed': bool(result.get('failed')),
        'message': message,
        'duration': float(result.get('duration') or 0),
    }


def _cell(value: t.Any) -> str:
    return _text(value).replace('\r', ' ').replace('\n', ' ').replace('|', '\\|')


def markdown(report: dict[str, t.Any]) -> str:
    """The report as Markdown: a summary, then a table per outcome, failures first."""
    counted = report['summary'] or 'none was worked on'
    origins = ' and '.join(report['origins']) or 'the items given'
    lines = ['# Hardware import' + (' (check mode: nothing was changed)' if report['check_mode'] else ''), '',
             f'{report["hardware"]} hardware from {origins}: {counted}.',
             'Generated by the milestone.xprotect.hardware_import role'
             + (' in check mode: the server was only read, and this report says what a run would do.' if report['check_mode'] else '.')]
    if report['columns']:
        lines += ['', f'Columns read: {", ".join(report["columns"])}.'
                  + (f' Columns ignored: {", ".join(report["ignored_columns"])}.' if report['ignored_columns'] else '')]
    if report['module_failed']:
        lines += ['', f'**The import failed:** {_cell(report["message"])}']
    for outcome, number in report['counts'].items():
        failure = outcome in FAILURES
        lines += ['', f'## {outcome.capitalize()} ({number})', '',
                  f'| source | address | recording server | name | id | {"reason" if failure else "changes"} |', '|---|---|---|---|---|---|']
        for entry in report['entries']:
            if entry['outcome'] == outcome:
                last = entry['reason'] if failure else (', '.join(entry['changes']) or '-')
                lines.append(f'| {_cell(entry["source"])} | {_cell(entry["address"])} | {_cell(entry["recording_server"])} | '
                             f'{_cell(entry["name"])} | {entry["id"] or "-"} | {_cell(last)} |')
    return '\n'.join(lines) + '\n'


def csv_text(report: dict[str, t.Any]) -> str:
    """The report as CSV, one row per hardware in the order of the items, every cell quoted."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator='\n')
    writer.writerow(CSV_COLUMNS)
    for entry in report['entries']:
        writer.writerow([entry['source'], entry['address'], entry['recording_server'], entry['name'], entry['id'], entry['outcome'],
                         entry['action'], '; '.join(entry['changes']), ' '.join(entry['reason'].split('\n')).replace('\r', ' ')])
    return buffer.getvalue()


def hardware_report(result: t.Any, sources: t.Sequence[str] = (), origins: t.Sequence[str] = (),  # pylint: disable=redefined-builtin
                    check_mode: bool = False, columns: t.Sequence[str] = (), ignored_columns: t.Sequence[str] = (),
                    format: str = 'account') -> t.Any:
    """The account of a hardware run, or a report file's text (see DOCUMENTATION)."""
    if format not in ('account', 'markdown', 'csv'):
        raise AnsibleFilterError(f'hardware_report: format must be account, markdown or csv, not {format!r}')
    report = account(result, sources, origins, check_mode, columns, ignored_columns)
    if format == 'markdown':
        return markdown(report)
    if format == 'csv':
        return csv_text(report)
    return report


class FilterModule:
    """milestone.xprotect.hardware_report."""

    def filters(self) -> dict[str, t.Callable[..., t.Any]]:
        return {'hardware_report': hardware_report}
