# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
name: hardware_rows
short_description: Read a hardware spreadsheet (CSV) into items of milestone.xprotect.hardware
version_added: 0.2.0
author:
  - milestone.xprotect contributors (@milestone-xprotect)
description:
  - Reads a CSV file of devices, one row per device as MilestonePSTools' C(Import-VmsHardware) reads it, and returns the
    hardware to give to O(milestone.xprotect.hardware#module:items), one item per address (the rows of an encoder's
    channels make one hardware).
  - B(Columns read), matched without regard to case, spaces or underscores. C(Address) (required; also
    C(HardwareAddress)), C(RecordingServer) (also C(RecordingServerName)), C(UserName) (also C(HardwareUserName)),
    C(Password) (also C(HardwarePassword)), C(DriverNumber) (also C(HardwareDriverID); empty or V(0) lets the recording
    server detect the driver), C(HardwareName), C(Description) (the hardware's description; not an C(Import-VmsHardware)
    column), and per device C(DeviceType) (V(Camera), V(Microphone), V(Speaker), V(Metadata), V(Input) or V(Output);
    empty means V(Camera)), C(Channel) (from 0; empty means 0), C(Name) and C(Enabled).
  - A row gives a device when any of C(DeviceType), C(Channel), C(Name) or C(Enabled) has a value. The device is enabled
    unless C(Enabled) says V(false), as C(Import-VmsHardware) reads it. A row without any of them names no device, and
    the module's O(milestone.xprotect.hardware#module:enable_new_devices) decides for hardware that the run enables.
  - B(Columns ignored), because the module does not manage what they hold. C(DriverGroup) (the recording server tries
    every driver when C(DriverNumber) is empty), C(StorageName), C(Coordinates), C(DeviceGroups), C(GroupPath), and the
    columns C(Export-VmsHardware) and C(Import-VmsHardware) add to their output (C(Path), C(Result), C(Row),
    C(MacAddress), C(DriverDisplayName), C(RecordingServerId), C(ConfigurationId)). They are listed in RV(_value.ignored_columns).
    Any other column is an error, with the closest known name, unless O(unknown_columns=ignore).
  - B(As Excel writes it.) A UTF-8 byte order mark, a first line C(sep=;), PowerShell's C(#TYPE) line, C(;) or tab
    delimiters (found from the header line), quoted cells with line breaks, C(TRUE)/C(FALSE), and empty rows are
    handled. Given the result of M(ansible.builtin.slurp), the file is decoded from its bytes, as UTF-8, UTF-16 with a
    byte order mark, or Windows-1252 (what Excel writes on Western-European Windows when a sheet is saved as plain
    comma-delimited CSV).
  - Rows are numbered as a spreadsheet shows them; the header is row 1. Every error names the row and the column,
    up to ten at a time, and never shows a password.
  - Rows of one address must agree on the hardware's columns (a cell left empty takes the value of the others). The
    same device twice is an error.
options:
  _input:
    description:
      - The CSV text (such as C(lookup('ansible.builtin.file', path, rstrip=false))), or the result of
        M(ansible.builtin.slurp) of the file.
    type: raw
    required: true
  source:
    description: How error messages name the file, such as its file name.
    type: str
    default: CSV
  delimiter:
    description: The delimiter; V(auto) takes the one of C(,), C(;) and tab that the header line uses most.
    type: str
    choices: [auto, ',', ;, tab]
    default: auto
  unknown_columns:
    description: A column that is neither read nor known to be ignored fails (V(fail)), or is ignored and listed (V(ignore)).
    type: str
    choices: [fail, ignore]
    default: fail
'''

EXAMPLES = r'''
- name: Read the spreadsheet (the file's bytes, so that any encoding Excel writes works)
  ansible.builtin.slurp:
    src: cameras.csv
  register: sheet

- name: Turn its rows into hardware (no_log, the rows hold the devices' passwords)
  ansible.builtin.set_fact:
    cameras: "{{ sheet | milestone.xprotect.hardware_rows(source='cameras.csv') }}"
  no_log: true

- name: Add them
  milestone.xprotect.hardware:
    items: "{{ cameras.hardware }}"
    hardware_username: root
    hardware_password: "{{ vault_camera_password }}"
  no_log: true

# Text works too:
#   lookup('ansible.builtin.file', 'cameras.csv', rstrip=false) | milestone.xprotect.hardware_rows
# cameras.csv, as Import-VmsHardware reads it (an encoder's channels on rows of their own):
#   Address,RecordingServer,UserName,Password,DriverNumber,HardwareName,DeviceType,Channel,Name,Enabled
#   192.0.2.11,XPRS01,root,pass,,Lobby,Camera,0,Lobby entrance,True
#   192.0.2.12,XPRS01,root,pass,10,Hall encoder,Camera,0,Hall north,True
#   192.0.2.12,XPRS01,,,,,Camera,1,Hall south,True
#   192.0.2.12,XPRS01,,,,,Camera,2,,False
'''

RETURN = r'''
_value:
  description: The hardware, in the order of their first rows, and what was read.
  type: dict
  contains:
    hardware:
      description:
        - One item of O(milestone.xprotect.hardware#module:items) per hardware, with only the keys the rows give values
          for (C(address), C(recording_server), C(username), C(password), C(driver), C(name), C(description), C(devices)).
        - Holds the passwords of the rows; handle it with C(no_log).
      type: list
      elements: dict
    rows:
      description: Per hardware, the spreadsheet rows it was read from (the header is row 1).
      type: list
      elements: list
    sources:
      description: Per hardware, where it came from, such as C(cameras.csv row 3) or C(cameras.csv rows 4-6).
      type: list
      elements: str
    columns:
      description: The columns read, as the header names them.
      type: list
      elements: str
    ignored_columns:
      description: The columns of the header that were not read.
      type: list
      elements: str
    delimiter:
      description: The delimiter used.
      type: str
    devices:
      description: The number of device rows read.
      type: int
  sample:
    hardware:
      - {address: 192.0.2.12, recording_server: XPRS01, username: root, password: VALUE_HIDDEN, driver: '10', name: Hall encoder,
         devices: {cameras: [{channel: 0, name: Hall north, enabled: true}, {channel: 1, name: Hall south, enabled: true}]}}
    rows: [[2, 3]]
    sources: [cameras.csv rows 2-3]
    columns: [Address, RecordingServer, UserName, Password, DriverNumber, HardwareName, DeviceType, Channel, Name, Enabled]
    ignored_columns: []
    delimiter: ','
    devices: 2
'''

import base64
import binascii
import csv
import difflib
import io
import ipaddress
import re
import typing as t
from urllib.parse import urlsplit

from ansible.errors import AnsibleFilterError

#: The columns read: their name without case, spaces and underscores -> (the column, the item key it fills).
READ = {
    'address': 'Address', 'hardwareaddress': 'Address',
    'recordingserver': 'RecordingServer', 'recordingservername': 'RecordingServer',
    'username': 'UserName', 'hardwareusername': 'UserName',
    'password': 'Password', 'hardwarepassword': 'Password',
    'drivernumber': 'DriverNumber', 'hardwaredriverid': 'DriverNumber',
    'hardwarename': 'HardwareName',
    'description': 'Description',
    'devicetype': 'DeviceType',
    'channel': 'Channel',
    'name': 'Name',
    'enabled': 'Enabled',
}
#: Columns of Import-VmsHardware and Export-VmsHardware (and of the older Import-HardwareCsv) that are not read.
IGNORED = {name.lower(): name for name in ('DriverGroup', 'StorageName', 'Coordinates', 'DeviceGroups', 'GroupPath', 'Path', 'Result',
                                           'Row', 'MacAddress', 'DriverDisplayName', 'RecordingServerId', 'ConfigurationId')}
#: The hardware's own columns -> item key (every row of an address must agree on them).
HARDWARE = {'RecordingServer': 'recording_server', 'UserName': 'username', 'Password': 'password', 'DriverNumber': 'driver',
            'HardwareName': 'name', 'Description': 'description'}
DEVICE_COLUMNS = ('DeviceType', 'Channel', 'Name', 'Enabled')
#: DeviceType values (Import-VmsHardware's, the module's kinds, and Export's InputEvent) -> the module's device kind.
KINDS = {'camera': 'cameras', 'cameras': 'cameras', 'microphone': 'microphones', 'microphones': 'microphones',
         'speaker': 'speakers', 'speakers': 'speakers', 'metadata': 'metadata', 'input': 'inputs', 'inputs': 'inputs',
         'inputevent': 'inputs', 'inputevents': 'inputs', 'output': 'outputs', 'outputs': 'outputs'}
TRUE = ('true', 'yes', 'on', '1')
FALSE = ('false', 'no', 'off', '0')
DELIMITERS = {'auto': None, ',': ',', ';': ';', 'tab': '\t'}
MAX_PROBLEMS = 10


def _key(column: str) -> str:
    return re.sub(r'[\s_]+', '', column).lower()


def _from_bytes(data: bytes) -> str:
    """Text of a file as Excel or PowerShell may have written it."""
    if data.startswith(b'\xef\xbb\xbf'):
        return data[3:].decode('utf-8', errors='replace')
    if data.startswith((b'\xff\xfe', b'\xfe\xff')):
        return data.decode('utf-16')
    try:
        return data.decode('utf-8')
    except UnicodeDecodeError:
        return data.decode('cp1252', errors='replace')


def _text(data: t.Any, source: str) -> str:
    if isinstance(data, dict) and 'content' in data:
        try:
            raw = base64.b64decode(str(data['content']), validate=True) if data.get('encoding', 'base64') == 'base64' else str(data['content']).encode()
        except (binascii.Error, ValueError) as error:
            raise AnsibleFilterError(f'{source}: the slurp result does not hold base64 content ({error})') from None
        return _from_bytes(raw)
    if isinstance(data, (bytes, bytearray)):
        return _from_bytes(bytes(data))
    if not isinstance(data, str):
        raise AnsibleFilterError(f'{source}: hardware_rows expects the CSV text or the result of ansible.builtin.slurp, '
                                 f'not {type(data).__name__}')
    text = str(data)
    if any('\udc80' <= char <= '\udcff' for char in text):  # bytes a lookup could not decode, kept as surrogate escapes
        text = _from_bytes(text.encode('utf-8', errors='surrogateescape'))
    return text[1:] if text.startswith('\ufeff') else text


def _delimiter(header_line: str, wanted: str) -> str:
    if DELIMITERS[wanted]:
        return t.cast(str, DELIMITERS[wanted])
    outside = re.sub(r'"[^"]*"', '', header_line)  # delimiters inside quoted header cells do not count
    counts = {char: outside.count(char) for char in (',', ';', '\t')}
    best = max(counts, key=lambda char: counts[char])
    return best if counts[best] else ','


def _host(address: str) -> str | None:
    """The host of an address as the module compares it (lower case), or None when there is none."""
    try:
        host = urlsplit(address if '://' in address else '//' + address).hostname
    except ValueError:
        return None
    if not host:
        return None
    host = host.rstrip('.').lower()
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return host


def _row_span(rows: list[int]) -> str:
    if len(rows) == 1:
        return f'row {rows[0]}'
    if rows == list(range(rows[0], rows[-1] + 1)):
        return f'rows {rows[0]}-{rows[-1]}'
    return 'rows ' + ', '.join(map(str, rows))


class _Sheet:
    """The rows of one file, read into hardware."""

    def __init__(self, text: str, source: str, delimiter: str, unknown_columns: str) -> None:
        self.source = source
        self.problems: list[str] = []
        lines = text.splitlines(keepends=True)
        skipped = 0
        explicit = None
        while lines and (not lines[0].strip() or lines[0].lstrip().lower().startswith(('sep=', '#type '))):
            first = lines[0].strip()
            if first.lower().startswith('sep=') and len(first) == 5:
                explicit = first[4]
            lines.pop(0)
            skipped += 1
        if not lines:
            raise AnsibleFilterError(f'{source}: the file is empty; it needs a header row with at least the column Address')
        if '\x00' in lines[0]:
            raise AnsibleFilterError(f'{source}: the file looks like UTF-16 text read as UTF-8; give the result of ansible.builtin.slurp, '
                                     'or save it as "CSV UTF-8 (Comma delimited)"')
        self.delimiter = explicit or _delimiter(lines[0], delimiter)
        records = list(csv.reader(io.StringIO(''.join(lines), newline=''), delimiter=self.delimiter))
        self.header = [cell.strip() for cell in records[0]]
        self.records = records[1:]
        self.columns: dict[str, int] = {}
        self.read: list[str] = []
        self.ignored: list[str] = []
        self._columns(unknown_columns)

    def problem(self, text: str) -> None:
        self.problems.append(text)

    def _columns(self, unknown_columns: str) -> None:
        unknown = []
        for index, name in enumerate(self.header):
            key = _key(name)
            if not key:
                if any(index < len(record) and record[index].strip() for record in self.records):
                    self.problem(f'column {index + 1} has values but no name in the header row')
                continue
            column = READ.get(key)
            if column is None:
                self.ignored.append(name)
                if key not in IGNORED:
                    unknown.append(name)
                continue
            if column in self.columns:
                first = self.header[self.columns[column]]
                self.problem(f'columns {first!r} and {name!r} both give {column}; keep one')
                continue
            self.columns[column] = index
            self.read.append(name)
        if unknown and unknown_columns == 'fail':
            hints = []
            for name in unknown:
                close = difflib.get_close_matches(_key(name), list(READ) + list(IGNORED), n=1, cutoff=0.75)
                known = (READ.get(close[0]) or IGNORED.get(close[0])) if close else None
                hints.append(f'{name!r}' + (f' (did you mean {known}?)' if known else ''))
            self.problem(f'unknown column{"s" if len(unknown) > 1 else ""} {", ".join(hints)}; the columns read are Address, '
                         'RecordingServer, UserName, Password, DriverNumber, HardwareName, Description, DeviceType, Channel, Name and '
                         'Enabled (unknown_columns=ignore ignores the others)')
        if 'Address' not in self.columns:
            found = ', '.join(repr(name) for name in self.header if name) or 'none'
            self.problem(f'the header row has no column Address (the device\'s IP address or host name); its columns: {found}. '
                         'Is the delimiter right? (found ' + {',': 'a comma', ';': 'a semicolon', '\t': 'a tab'}[self.delimiter] + ')')

    def cell(self, record: list[str], column: str) -> str:
        index = self.columns.get(column)
        if index is None or index >= len(record):
            return ''
        value = record[index]
        return value if column == 'Password' else value.strip()

    def hardware(self) -> tuple[list[dict[str, t.Any]], list[list[int]], int]:
        order: list[tuple[str, str]] = []
        groups: dict[tuple[str, str], dict[str, t.Any]] = {}
        device_rows = 0
        for position, record in enumerate(self.records):
            row = position + 2
            if not any(cell.strip() for cell in record):
                continue
            where = f'row {row}'
            address = self.cell(record, 'Address')
            if not address:
                self.problem(f'{where}, column Address: empty; every row needs the device\'s IP address or host name')
                continue
            host = _host(address)
            if host is None:
                self.problem(f'{where}, column Address: {address!r} is not an IP address, host name or URL')
                continue
            key = (self.cell(record, 'RecordingServer').lower(), host)
            group = groups.get(key)
            if group is None:
                group = groups[key] = {'item': {'address': address}, 'rows': [], 'first': {}, 'devices': {}}
                order.append(key)
            group['rows'].append(row)
            self._hardware_cells(group, record, row, host)
            if self._device(group, record, row, host):
                device_rows += 1
        items, rows = [], []
        for key in order:
            group = groups[key]
            if group['devices']:
                devices: dict[str, list[dict[str, t.Any]]] = {}
                for (kind, _channel), entry in sorted(group['devices'].items(), key=lambda pair: (pair[0][0], pair[0][1])):
                    devices.setdefault(kind, []).append(entry)
                group['item']['devices'] = devices
            items.append(group['item'])
            rows.append(group['rows'])
        return items, rows, device_rows

    def _hardware_cells(self, group: dict[str, t.Any], record: list[str], row: int, host: str) -> None:
        item = group['item']
        for column, option in HARDWARE.items():
            value = self.cell(record, column)
            if not value or (column == 'Password' and not value.strip()):
                continue
            if column == 'DriverNumber':
                if not value.isdigit():
                    self.problem(f'row {row}, column DriverNumber: {value!r} is not a driver number (a whole number such as 10; empty or 0 '
                                 'has the recording server detect the driver)')
                    continue
                if int(value) == 0:
                    continue
                value = str(int(value))
            if option in item and (item[option].lower() != value.lower() if column == 'RecordingServer' else item[option] != value):
                shown = 'different passwords' if column == 'Password' else f'{item[option]!r} and {value!r}'
                self.problem(f'rows {group["first"][option]} and {row} describe the same hardware {host} with different {column} '
                             f'({shown}); give it once, or the same on every row of the hardware')
                continue
            if option not in item:
                item[option] = value
                group['first'][option] = row

    def _device(self, group: dict[str, t.Any], record: list[str], row: int, host: str) -> bool:
        cells = {column: self.cell(record, column) for column in DEVICE_COLUMNS}
        if not any(cells.values()):
            return False
        kind = KINDS.get(_key(cells['DeviceType'] or 'camera'))
        if kind is None:
            self.problem(f'row {row}, column DeviceType: {cells["DeviceType"]!r} is not a device type; give Camera, Microphone, Speaker, '
                         'Metadata, Input or Output')
            return False
        channel_text = cells['Channel'] or '0'
        if not channel_text.isdigit():
            self.problem(f'row {row}, column Channel: {channel_text!r} is not a channel number (0 or more; channels count from 0, as '
                         'XProtect numbers them)')
            return False
        enabled_text = cells['Enabled'].lower()
        if enabled_text and enabled_text not in TRUE + FALSE:
            self.problem(f'row {row}, column Enabled: {cells["Enabled"]!r} is not true or false')
            return False
        channel = int(channel_text)
        entry: dict[str, t.Any] = {'channel': channel}
        if cells['Name']:
            entry['name'] = cells['Name']
        entry['enabled'] = enabled_text not in FALSE
        known = group['devices'].get((kind, channel))
        if known is not None:
            self.problem(f'rows {known["row"]} and {row} both describe {kind} channel {channel} of {host}; give each device once')
            return False
        group['devices'][(kind, channel)] = dict(entry, row=row)
        return True


def hardware_rows(data: t.Any, source: str = 'CSV', delimiter: str = 'auto', unknown_columns: str = 'fail') -> dict[str, t.Any]:
    """The hardware of a CSV file of devices (see DOCUMENTATION)."""
    source = str(source or 'CSV')
    if delimiter not in DELIMITERS:
        raise AnsibleFilterError(f'hardware_rows: delimiter must be one of {", ".join(DELIMITERS)}, not {delimiter!r}')
    if unknown_columns not in ('fail', 'ignore'):
        raise AnsibleFilterError(f'hardware_rows: unknown_columns must be fail or ignore, not {unknown_columns!r}')
    try:
        sheet = _Sheet(_text(data, source), source, delimiter, unknown_columns)
    except csv.Error as error:
        raise AnsibleFilterError(f'{source}: not a CSV file the filter can read ({error})') from None
    items, rows, device_rows = sheet.hardware() if 'Address' in sheet.columns else ([], [], 0)
    if sheet.problems:
        shown = sheet.problems[:MAX_PROBLEMS]
        more = len(sheet.problems) - len(shown)
        raise AnsibleFilterError(f'{source}: ' + '; '.join(shown) + (f'; ... and {more} more' if more else '')
                                 + ('' if len(sheet.problems) == 1 else f' ({len(sheet.problems)} problems)'))
    for item in items:
        for device_list in item.get('devices', {}).values():
            for entry in device_list:
                entry.pop('row', None)
    return {
        'hardware': items,
        'rows': rows,
        'sources': [f'{source} {_row_span(span)}' for span in rows],
        'columns': sheet.read,
        'ignored_columns': sheet.ignored,
        'delimiter': {'\t': 'tab'}.get(sheet.delimiter, sheet.delimiter),
        'devices': device_rows,
    }


class FilterModule:
    """milestone.xprotect.hardware_rows."""

    def filters(self) -> dict[str, t.Callable[..., t.Any]]:
        return {'hardware_rows': hardware_rows}
