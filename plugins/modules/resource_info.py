#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: resource_info
short_description: Read XProtect Config API objects of any type
version_added: 0.2.0
description:
  - Lists the objects of any type of the XProtect Config API (the list below), optionally filtered by id, name or the
    API's filters, with every page read, or reads one object of a type that is one object per owner (V(settings)).
  - With O(include), each matching object is read once more with its property definitions, tasks or child resource types,
    a few at a time.
author:
  - milestone.xprotect contributors (@milestone-xprotect)
extends_documentation_fragment:
  - milestone.xprotect.connection
  - milestone.xprotect.connection.attributes
  - milestone.xprotect.resource_types
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
    details: The module only reads, so it runs in check mode as usual.
  diff_mode:
    support: none
  platform:
    platforms: posix
options:
  type:
    description:
      - The type as the API spells it in paths (V(timeProfiles), V(cameras), V(storages)), matched without regard to case.
    type: str
    required: true
  id:
    description:
      - Only the object with this id (a GUID). For V(settings), V(streams) and the other types that are one object per
        owner, the owner's id (the object is read directly).
    type: str
  name:
    description:
      - Only the objects with exactly this name, or whose name matches this shell-style pattern (V(Parking*), V(Gate ?)).
    type: str
  parent:
    description:
      - For child collections, the object they live under, as C({type, id}) or C({type, name}).
    type: dict
  filters:
    description:
      - The API's filters, by field. A value alone is an exact match; V(notEquals:x), V(startsWith:x), V(contains:x),
        V(lt:x) and V(gt:x) use the API's operators. Quoting is done for you.
    type: dict
  include_disabled:
    description:
      - Include disabled objects (types with C(enabled) list only enabled ones by default, as the API does).
    type: bool
    default: false
  include:
    description:
      - Read each object again with C(definitions) (property metadata), C(tasks) (the tasks it offers) or C(resources)
        (its child resource types).
    type: list
    elements: str
    choices: [definitions, tasks, resources]
    default: []
seealso:
  - module: milestone.xprotect.resource
'''

EXAMPLES = r'''
- name: Every time profile
  milestone.xprotect.resource_info:
    type: timeProfiles
  register: profiles

- name: Axis cameras, disabled ones included
  milestone.xprotect.resource_info:
    type: cameras
    filters:
      model: contains:axis
    include_disabled: true
  register: axis

- name: The storages of one recording server
  milestone.xprotect.resource_info:
    type: storages
    parent: {type: recordingServers, name: "{{ groups['recorders'][0] | default('Recording Server 1') }}"}
  failed_when: false

- name: The tasks a role offers
  milestone.xprotect.resource_info:
    type: roles
    name: Operators
    include: [tasks]
'''

RETURN = r'''
resources:
  description:
    - The matching objects as the server returned them, in the server's order, write-only fields left out; with
      O(include), each with the keys C(definitions), C(tasks) or C(resources).
  returned: always
  type: list
  elements: dict
  sample: [{id: 0a1b2c3d-0000-4000-8000-00000000abcd, name: Office hours, displayName: Office hours}]
'''

from ansible_collections.milestone.xprotect.plugins.module_utils._generic import INCLUDE_CHOICES, read_resources
from ansible_collections.milestone.xprotect.plugins.module_utils._module import XProtectModule

ARGUMENT_SPEC = dict(
    type=dict(type='str', required=True),
    id=dict(type='str'),
    name=dict(type='str'),
    parent=dict(type='dict'),
    filters=dict(type='dict'),
    include_disabled=dict(type='bool', default=False),
    include=dict(type='list', elements='str', choices=list(INCLUDE_CHOICES), default=[]),
)


def main() -> None:
    XProtectModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True, pool_size=16).run(read_resources)


if __name__ == '__main__':
    main()
