#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: user_defined_event_info
short_description: Read XProtect user-defined events
version_added: 0.1.0
description:
  - Lists the user-defined events of an XProtect system, the built-in events of subtype C(System) included,
    optionally only those with one name or id.
  - One request reads all events. With O(resources) or O(definitions), each matching event is read once more
    (C(GET /userDefinedEvents/{id}?resources&definitions)), a few at a time.
author:
  - milestone.xprotect contributors (@milestone-xprotect)
extends_documentation_fragment:
  - milestone.xprotect.connection
  - milestone.xprotect.connection.attributes
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
  name:
    description:
      - Only the events with exactly this name (case and spaces count). Several events can share a name.
      - The name must be text; quote names that YAML reads as something else (V("2024")).
    type: raw
  id:
    description:
      - Only the event with this id (a GUID, compared case-insensitively). An unknown id gives an empty list; a value that is
        not a GUID fails before a request is sent.
    type: str
  resources:
    description:
      - Add each event's child resource types as C(resources) (XProtect answers an empty list for events).
    type: bool
    default: false
  definitions:
    description:
      - Add each event's property definitions as C(definitions), for example which properties can be set.
    type: bool
    default: false
seealso:
  - module: milestone.xprotect.user_defined_event
  - module: milestone.xprotect.user_defined_events
'''

EXAMPLES = r'''
# The connection options (server_url, username, password, ...) come from module_defaults of
# group/milestone.xprotect.api_gateway or from the XPROTECT_* environment variables.

- name: Read every event
  milestone.xprotect.user_defined_event_info:
  register: all_events

- name: Names of the events created by users (System events left out)
  ansible.builtin.debug:
    msg: "{{ all_events.events | selectattr('subtype', 'equalto', 'UserDefined') | map(attribute='name') | list }}"

- name: One event with its resources and property definitions
  milestone.xprotect.user_defined_event_info:
    name: RequestStartRecording
    resources: true
    definitions: true
  register: start_recording
'''

RETURN = r'''
events:
  description:
    - The matching events as the server returned them, in the server's order.
    - With O(resources), each has C(resources); with O(definitions), each has C(definitions).
  returned: success
  type: list
  elements: dict
  sample:
    - id: 85867627-b287-4439-9e55-a63701e1715b
      name: RequestStartRecording
      displayName: RequestStartRecording
      subtype: System
      createdDate: '2025-01-15T08:12:41.3270000Z'
      lastModified: '2025-01-15T08:12:41.3270000Z'
      relations:
        self:
          type: userDefinedEvents
          id: 85867627-b287-4439-9e55-a63701e1715b
      resources: []
      definitions:
        name:
          canSet: true
          valueType: string
        subtype:
          canSet: false
          valueType: string
'''

from ansible_collections.milestone.xprotect.plugins.module_utils._events import read_events_job
from ansible_collections.milestone.xprotect.plugins.module_utils._module import XProtectModule

ARGUMENT_SPEC = dict(
    name=dict(type='raw'),  # checked by check_name, as in user_defined_event
    id=dict(type='str'),
    resources=dict(type='bool', default=False),
    definitions=dict(type='bool', default=False),
)


def main() -> None:
    XProtectModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True).run(read_events_job)


if __name__ == '__main__':
    main()
