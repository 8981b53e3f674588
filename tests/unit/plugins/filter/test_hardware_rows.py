# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""milestone.xprotect.hardware_rows: spreadsheets as Import-VmsHardware reads them, as Excel and PowerShell write them,
and errors that name the row and the column without ever showing a password."""

from __future__ import annotations

import base64

import pytest
import yaml

from ansible.errors import AnsibleFilterError

from ansible_collections.milestone.xprotect.plugins.filter import hardware_rows as plugin
from ansible_collections.milestone.xprotect.plugins.filter.hardware_rows import FilterModule, hardware_rows

SECRET = 'Sup3r-S3cret!'

PSTOOLS = (
    'Address,RecordingServer,UserName,Password,DriverNumber,DriverGroup,HardwareName,DeviceType,Channel,Name,Enabled,StorageName\n'
    f'192.0.2.11,XPRS01,root,{SECRET},,AXIS,Lobby,Camera,0,Lobby entrance,True,Local default\n'
    f'http://192.0.2.12,XPRS01,root,{SECRET},10,,Hall encoder,Camera,0,Hall north,True,\n'
    '192.0.2.12,XPRS01,,,,,,Camera,1,Hall south,TRUE,\n'
    '192.0.2.12,XPRS01,,,,,,Camera,3,,False,\n'
    '192.0.2.12,XPRS01,,,,,,Input,0,Hall door,,\n'
)


def errors(text, **options):
    with pytest.raises(AnsibleFilterError) as caught:
        hardware_rows(text, **options)
    return str(caught.value)


def test_rows_of_one_address_make_one_hardware_with_its_devices_in_channel_order():
    result = hardware_rows(PSTOOLS, source='cameras.csv')
    assert result['hardware'] == [
        {'address': '192.0.2.11', 'recording_server': 'XPRS01', 'username': 'root', 'password': SECRET, 'name': 'Lobby',
         'devices': {'cameras': [{'channel': 0, 'name': 'Lobby entrance', 'enabled': True}]}},
        {'address': 'http://192.0.2.12', 'recording_server': 'XPRS01', 'username': 'root', 'password': SECRET, 'driver': '10',
         'name': 'Hall encoder',
         'devices': {'cameras': [{'channel': 0, 'name': 'Hall north', 'enabled': True}, {'channel': 1, 'name': 'Hall south', 'enabled': True},
                                 {'channel': 3, 'enabled': False}],
                     'inputs': [{'channel': 0, 'name': 'Hall door', 'enabled': True}]}},
    ]
    assert result['rows'] == [[2], [3, 4, 5, 6]]
    assert result['sources'] == ['cameras.csv row 2', 'cameras.csv rows 3-6']
    assert result['columns'] == ['Address', 'RecordingServer', 'UserName', 'Password', 'DriverNumber', 'HardwareName', 'DeviceType',
                                 'Channel', 'Name', 'Enabled']
    assert result['ignored_columns'] == ['DriverGroup', 'StorageName']
    assert result['delimiter'] == ',' and result['devices'] == 5


def test_the_return_documentation_lists_what_the_filter_returns():
    documented = yaml.safe_load(plugin.RETURN)['_value']['contains']
    assert sorted(documented) == sorted(hardware_rows(PSTOOLS))
    options = yaml.safe_load(plugin.DOCUMENTATION)['options']
    assert sorted(options) == ['_input', 'delimiter', 'source', 'unknown_columns']
    assert FilterModule().filters() == {'hardware_rows': hardware_rows}


def test_excel_semicolons_a_byte_order_mark_a_sep_line_crlf_and_a_cell_with_a_line_break():
    text = ('\ufeffsep=;\r\n'
            'Address;User Name;password;Hardware_Name;Description;Driver Number\r\n'
            '192.0.2.13;admin;"pa;ss ""x""";Dock;"Loading dock,\r\nnorth side";0\r\n'
            ';;;;;\r\n'
            '\r\n'
            'cam-gate.xprs01.example;root;x;Gate;;\r\n')
    result = hardware_rows(text)
    assert result['delimiter'] == ';'
    assert result['hardware'] == [
        {'address': '192.0.2.13', 'username': 'admin', 'password': 'pa;ss "x"', 'name': 'Dock', 'description': 'Loading dock,\r\nnorth side'},
        {'address': 'cam-gate.xprs01.example', 'username': 'root', 'password': 'x', 'name': 'Gate'},
    ]
    assert result['rows'] == [[2], [5]]   # the empty rows count, as a spreadsheet numbers them
    assert hardware_rows(text.replace('sep=;\r\n', ''))['hardware'] == result['hardware']   # found from the header


def test_powershell_export_csv_with_its_type_line_and_every_cell_quoted():
    text = ('#TYPE System.Management.Automation.PSCustomObject\n'
            '"DeviceType","Name","Address","Channel","UserName","Password","DriverNumber","DriverGroup","RecordingServer","Enabled",'
            '"HardwareName","StorageName","Coordinates","DeviceGroups"\n'
            '"Camera","Gate","http://192.0.2.14/","0","admin","admin","421","ONVIF","XPRS01","True","Gate","Local default","","/Outdoor"\n'
            '"Metadata","Gate metadata","http://192.0.2.14/","0","admin","admin","421","ONVIF","XPRS01","False","Gate","","",""\n')
    [item] = hardware_rows(text)['hardware']
    assert item['driver'] == '421' and item['recording_server'] == 'XPRS01'
    assert item['devices'] == {'cameras': [{'channel': 0, 'name': 'Gate', 'enabled': True}],
                               'metadata': [{'channel': 0, 'name': 'Gate metadata', 'enabled': False}]}
    assert hardware_rows(text)['ignored_columns'] == ['DriverGroup', 'StorageName', 'Coordinates', 'DeviceGroups']


def test_the_management_clients_csv_columns_and_tabs():
    text = 'HardwareAddress\tHardwareUsername\tHardwarePassword\tHardwareDriverID\n192.0.2.11\troot\tpass\t10\n'
    assert hardware_rows(text) | {'rows': None} == {
        'hardware': [{'address': '192.0.2.11', 'username': 'root', 'password': 'pass', 'driver': '10'}], 'rows': None,
        'sources': ['CSV row 2'], 'columns': ['HardwareAddress', 'HardwareUsername', 'HardwarePassword', 'HardwareDriverID'],
        'ignored_columns': [], 'delimiter': 'tab', 'devices': 0}


def test_a_row_without_device_columns_names_no_device_and_zero_means_detect():
    result = hardware_rows('Address,HardwareName,DriverNumber,Name,Enabled\n192.0.2.11,Lobby,0,,\n')
    assert result['hardware'] == [{'address': '192.0.2.11', 'name': 'Lobby'}] and result['devices'] == 0


@pytest.mark.parametrize('encode', [
    lambda text: text.encode('cp1252'),
    lambda text: b'\xef\xbb\xbf' + text.encode('utf-8'),
    lambda text: text.encode('utf-16'),
    lambda text: text.encode('utf-8'),
], ids=['windows-1252', 'utf-8-bom', 'utf-16', 'utf-8'])
def test_the_bytes_of_a_slurped_file_in_any_encoding_excel_writes(encode):
    text = 'Address;HardwareName\r\n192.0.2.11;Caf\u00e9 Entr\u00e9e\r\n'
    slurped = {'content': base64.b64encode(encode(text)).decode(), 'encoding': 'base64', 'source': '/data/cameras.csv'}
    assert hardware_rows(slurped)['hardware'] == [{'address': '192.0.2.11', 'name': 'Caf\u00e9 Entr\u00e9e'}]


def test_text_a_lookup_could_not_decode_is_read_as_windows_1252():
    escaped = 'Address,HardwareName\n192.0.2.11,Caf\udce9\n'   # how ansible-core 2.19 hands on the byte 0xE9 of a cp1252 file
    assert hardware_rows(escaped)['hardware'] == [{'address': '192.0.2.11', 'name': 'Caf\u00e9'}]


def test_errors_name_the_row_and_the_column_and_all_problems_at_once():
    text = ('Address,DriverNumber,Enabled,DeviceType,Channel\n'
            '192.0.2.11,ten,,,\n'
            '192.0.2.12,,maybe,,\n'
            '192.0.2.13,,,Door,\n'
            '192.0.2.14,,,Camera,-1\n'
            ',10,,,\n'
            'http://,,,,\n')
    message = errors(text, source='cameras.csv')
    assert message.startswith('cameras.csv: ')
    assert "row 2, column DriverNumber: 'ten' is not a driver number" in message
    assert "row 3, column Enabled: 'maybe' is not true or false" in message
    assert "row 4, column DeviceType: 'Door' is not a device type; give Camera, Microphone, Speaker, Metadata, Input or Output" in message
    assert "row 5, column Channel: '-1' is not a channel number" in message
    assert 'row 6, column Address: empty' in message
    assert "row 7, column Address: 'http://' is not an IP address, host name or URL" in message
    assert message.endswith('(6 problems)')


def test_more_than_ten_problems_are_counted_not_listed():
    message = errors('Address,Channel\n' + ''.join(f'192.0.2.{number},x\n' for number in range(1, 16)))
    assert message.count('column Channel') == 10 and '... and 5 more (15 problems)' in message


def test_rows_of_one_hardware_that_disagree_are_named_and_passwords_never_shown():
    text = ('Address,HardwareName,Password,Channel\n'
            f'192.0.2.12,Hall,{SECRET},0\n'
            '192.0.2.12,Hall,other-secret,1\n'
            '192.0.2.12,Hallway,,2\n'
            '192.0.2.12,,,2\n')
    message = errors(text)
    assert 'rows 2 and 3 describe the same hardware 192.0.2.12 with different Password (different passwords)' in message
    assert "rows 2 and 4 describe the same hardware 192.0.2.12 with different HardwareName ('Hall' and 'Hallway')" in message
    assert 'rows 4 and 5 both describe cameras channel 2 of 192.0.2.12; give each device once' in message
    assert SECRET not in message and 'other-secret' not in message


def test_addresses_of_one_host_are_one_hardware_and_recording_servers_keep_them_apart():
    text = ('Address,RecordingServer,Channel\n'
            'http://CAM-1.example:80,XPRS01,0\n'
            'cam-1.example,xprs01,1\n'
            'cam-1.example,XPRS02,0\n')
    result = hardware_rows(text)
    assert [item['address'] for item in result['hardware']] == ['http://CAM-1.example:80', 'cam-1.example']
    assert result['rows'] == [[2, 3], [4]]


def test_the_header_needs_an_address_and_says_which_delimiter_it_found():
    message = errors('Adresse|Nom\n192.0.2.11|Lobby\n')
    assert "the header row has no column Address" in message and "its columns: 'Adresse|Nom'" in message and 'a comma' in message
    assert 'unknown column' in message


def test_an_unknown_column_fails_with_the_closest_name_unless_ignored():
    text = 'Address,HardwareNmae,Zone\n192.0.2.11,Lobby,North\n'
    message = errors(text)
    assert "unknown columns 'HardwareNmae' (did you mean HardwareName?), 'Zone'" in message
    result = hardware_rows(text, unknown_columns='ignore')
    assert result['hardware'] == [{'address': '192.0.2.11'}] and result['ignored_columns'] == ['HardwareNmae', 'Zone']


def test_two_columns_for_one_field_and_a_nameless_column_with_values_fail():
    message = errors('Address,HardwareAddress,\n192.0.2.11,192.0.2.12,x\n')
    assert "columns 'Address' and 'HardwareAddress' both give Address" in message
    assert 'column 3 has values but no name in the header row' in message


@pytest.mark.parametrize('data, expected', [
    ('', 'the file is empty'),
    ('\n\n', 'the file is empty'),
    (42, 'expects the CSV text or the result of ansible.builtin.slurp, not int'),
    ({'content': '***', 'encoding': 'base64'}, 'does not hold base64 content'),
    ('A\x00d\x00d\x00r\x00', 'looks like UTF-16'),
])
def test_input_that_is_not_a_csv_file(data, expected):
    assert expected in errors(data)


def test_bad_options():
    assert "delimiter must be one of auto, ,, ;, tab, not '|'" in errors('Address\n', delimiter='|')
    assert "unknown_columns must be fail or ignore, not 'warn'" in errors('Address\n', unknown_columns='warn')
    assert hardware_rows('Address;Name\n192.0.2.11;a,b\n', delimiter=';')['hardware'][0]['devices'] == {
        'cameras': [{'channel': 0, 'name': 'a,b', 'enabled': True}]}
