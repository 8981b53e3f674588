#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: alarm_info
short_description: Read XProtect alarms by id, name, state, priority, source or time
version_added: 0.2.0
description:
  - Reads alarms through the Alarms REST API of the XProtect API Gateway (XProtect 2023 R2 and later), page after page
    to the last one, so no alarm is left out however many there are.
  - The filters are sent to the server and applied again to its answer, so the result is exact whatever the server
    supports. States and priorities are given by name or id.
  - A server before XProtect 2023 R2 has no Alarms REST API; the module fails with a message naming the version needed.
author:
  - milestone.xprotect contributors (@milestone-xprotect)
extends_documentation_fragment:
  - milestone.xprotect.connection
  - milestone.xprotect.connection.attributes
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
    details: The module only reads, so it runs the same in check mode.
  diff_mode:
    support: N/A
    details: The module only reads.
  platform:
    platforms: posix
options:
  id:
    description:
      - The id of one alarm. An unknown id gives an empty list.
    type: str
  name:
    description:
      - Only alarms with this exact name.
    type: str
  state:
    description:
      - Only alarms in this state, by name (for example C(New), C(Closed)) or id.
    type: str
  priority:
    description:
      - Only alarms of this priority, by name (for example C(High)) or id.
    type: str
  source:
    description:
      - Only alarms about this source, a camera by name (exact), id or path C(cameras/<id>), or another source's path.
    type: str
  modified_since:
    description:
      - Only alarms changed after this time, an ISO 8601 UTC timestamp as the server writes them
        (for example C(2026-11-21T19:00:00.0000000Z)).
    type: str
  include_data:
    description:
      - Add each alarm's C(data) (C(include=data)).
    type: bool
    default: false
seealso:
  - module: milestone.xprotect.alarm
    description: Raise or update an alarm.
'''

EXAMPLES = r'''
# The connection options (server_url, username, password, ...) come from module_defaults of
# group/milestone.xprotect.api_gateway or from the XPROTECT_* environment variables.

- name: Every new high-priority alarm
  milestone.xprotect.alarm_info:
    state: New
    priority: High
  register: urgent

- name: Show them
  ansible.builtin.debug:
    msg: "{{ urgent.alarms | map(attribute='name') | list }}"

- name: Alarms about one camera, with their data
  milestone.xprotect.alarm_info:
    source: "{{ urgent.alarms[0].source if urgent.count else omit }}"
    include_data: true
'''

RETURN = r'''
alarms:
  description: The alarms, newest first as the server lists them.
  returned: success
  type: list
  elements: dict
  sample:
    - id: 5b0c7a1e-2f4d-4e8a-9c3b-7d6e5f4a3b21
      localId: 12
      name: Door forced
      message: The north gate door was forced open
      source: cameras/0c8e1d90-5b1e-4c43-9d7b-2a6f3f6f8a52
      state: '1'
      stateName: New
      priority: 8188ff24-b5da-4c19-9ebf-c1d8fc2caa75
      priorityName: High
count:
  description: The number of alarms returned.
  returned: success
  type: int
'''

from ansible_collections.milestone.xprotect.plugins.module_utils._alarms import info_job
from ansible_collections.milestone.xprotect.plugins.module_utils._module import XProtectModule

ARGUMENT_SPEC = dict(
    id=dict(type='str'),
    name=dict(type='str'),
    state=dict(type='str'),
    priority=dict(type='str'),
    source=dict(type='str'),
    modified_since=dict(type='str'),
    include_data=dict(type='bool', default=False),
)


def main() -> None:
    XProtectModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True).run(info_job)


if __name__ == '__main__':
    main()
