# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The account of a milestone.xprotect.hardware run and its report files, shared by the hardware_report filter and
the hardware module's action plugin (which writes the files on the controller without a module run)."""

from __future__ import annotations

import csv
import io
import re
import typing as t


#: The outcomes, in the order the account and the reports list them.
OUTCOMES = ('failed', 'not attempted', 'would be added', 'added', 'would be changed', 'changed', 'would be replaced', 'replaced',
            'would be moved', 'moved', 'would be removed', 'removed', 'unchanged')
VERBS = {'add': 'added', 'update': 'changed', 'replace': 'replaced', 'move': 'moved', 'remove': 'removed'}
FAILURES = ('failed', 'not attempted')
#: Entries listed by address in an account line before it says how many more there are (the report lists them all).
SHOWN = 20


class ReportError(ValueError):
    """The input is not the registered result of milestone.xprotect.hardware."""


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
        raise ReportError(f'hardware_report expects the registered result of milestone.xprotect.hardware, not {type(result).__name__}')
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


def report_texts(report: dict[str, t.Any]) -> dict[str, str]:
    """The report files' texts by file extension."""
    return {'md': markdown(report), 'csv': csv_text(report)}
