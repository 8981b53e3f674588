# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the input rules of device_group and role: group paths, role members, overall permissions, and what a
ChangeOverallSecurityPermissions answer holds."""

from __future__ import annotations

import pytest

from ansible_collections.milestone.xprotect.plugins.module_utils import _access as access
from ansible_collections.milestone.xprotect.plugins.module_utils._errors import InputError


@pytest.mark.parametrize('text, names', [
    ('Site A/Parking/North', ('Site A', 'Parking', 'North')),
    ('/Site A/Parking/', ('Site A', 'Parking')),
    ('Site A', ('Site A',)),
    ('Doors in\\/out/North', ('Doors in/out', 'North')),
    ('Back\\\\slash/x', ('Back\\slash', 'x')),
    ('C:\\Temp', ('C:\\Temp',)),
    (' spaced /kept ', (' spaced ', 'kept ')),
])
def test_a_path_is_group_names_with_escaped_slashes(text, names):
    assert access.split_path(text, 'path') == names
    assert access.split_path(access.join_path(names), 'path') == names


@pytest.mark.parametrize('text', ['', '/', '//', 'a//b', 'a/ /b', '   ', 'a/\t'])
def test_a_path_with_an_empty_or_blank_name_is_refused(text):
    with pytest.raises(InputError, match='path'):
        access.split_path(text, 'path')


def test_a_path_must_be_text():
    with pytest.raises(InputError, match='must be a string'):
        access.split_path(2024, 'groups[0].path')


@pytest.mark.parametrize('value, kind, text', [
    ('guard.lobby', 'basic', 'guard.lobby'),
    ('[BASIC]\\guard.lobby', 'basic', 'guard.lobby'),
    ('s-1-5-21-1-2-3-512', 'sid', 'S-1-5-21-1-2-3-512'),
    ('EXAMPLE\\VMS Operators', 'windows', 'EXAMPLE\\VMS Operators'),
    ('guard@example.com', 'windows', 'guard@example.com'),
])
def test_role_members_are_basic_users_sids_or_windows_accounts(value, kind, text):
    member = access.RoleMember.parse(value, 'members[0]')
    assert (member.kind, member.text) == (kind, text)


@pytest.mark.parametrize('value', ['', '  ', None, 5, ['x']])
def test_a_blank_or_non_text_member_is_refused(value):
    with pytest.raises(InputError, match='members\\[0\\]'):
        access.RoleMember.parse(value, 'members[0]')


def test_member_references_show_windows_accounts_with_their_domain():
    assert access.member_ref({'sid': 'S-1-5-21-1', 'domain': 'EXAMPLE', 'accountName': 'guard'}) == {'sid': 'S-1-5-21-1', 'name': 'EXAMPLE\\guard'}
    assert access.member_ref({'sid': 'ABC', 'domain': '[BASIC]', 'accountName': 'guard.lobby'})['name'] == 'guard.lobby'


def test_overall_permissions_take_allow_deny_or_none_in_any_case():
    parsed = access.parse_overall_permissions({'Cameras': {'GENERIC_READ': 'allow', 'EXPORT': 'DENY', 'PLAYBACK': 'None'}})
    assert parsed == {'Cameras': {'GENERIC_READ': 'Allow', 'EXPORT': 'Deny', 'PLAYBACK': 'None'}}
    assert access.parse_overall_permissions(None) == {}


@pytest.mark.parametrize('value', [
    ['Cameras'], {'Cameras': 'Allow'}, {'Cameras': {}}, {' ': {'GENERIC_READ': 'Allow'}},
    {'Cameras': {'GENERIC_READ': True}}, {'Cameras': {'GENERIC_READ': None}}, {'Cameras': {'EXPORT': 'Maybe'}}, {'Cameras': {'': 'Allow'}},
])
def test_overall_permissions_that_cannot_work_are_refused(value):
    with pytest.raises(InputError, match='overall_permissions'):
        access.parse_overall_permissions(value)


def test_the_permissions_of_a_task_answer_leave_its_own_fields_out():
    answer = {'securityNamespace': '623d03f8-c5d5-46bc-a2f4-4c03562d4f85', 'state': 'Success', 'GENERIC_READ': 'Allow',
              'EXPORT': 'deny', 'path': {'type': 'tasks', 'id': '3'}, 'displayName': 'Edit overall security permissions'}
    assert access._permission_values(answer) == {'GENERIC_READ': 'Allow', 'EXPORT': 'Deny'}  # pylint: disable=protected-access
