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

import typing as t

from ansible.errors import AnsibleFilterError

from ansible_collections.milestone.xprotect.plugins.plugin_utils._hardware_report import ReportError, account, csv_text, markdown


def hardware_report(result: t.Any, sources: t.Sequence[str] = (), origins: t.Sequence[str] = (),  # pylint: disable=redefined-builtin
                    check_mode: bool = False, columns: t.Sequence[str] = (), ignored_columns: t.Sequence[str] = (),
                    format: str = 'account') -> t.Any:
    """The account of a hardware run, or a report file's text (see DOCUMENTATION)."""
    if format not in ('account', 'markdown', 'csv'):
        raise AnsibleFilterError(f'hardware_report: format must be account, markdown or csv, not {format!r}')
    try:
        report = account(result, sources, origins, check_mode, columns, ignored_columns)
    except ReportError as error:
        raise AnsibleFilterError(str(error)) from None
    if format == 'markdown':
        return markdown(report)
    if format == 'csv':
        return csv_text(report)
    return report


class FilterModule:
    """milestone.xprotect.hardware_report."""

    def filters(self) -> dict[str, t.Callable[..., t.Any]]:
        return {'hardware_report': hardware_report}
