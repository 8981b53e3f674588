#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: alarm
short_description: Raise an XProtect alarm, or update the state, priority, assignee and comment of one
version_added: 0.2.0
description:
  - Uses the Alarms REST API of the XProtect API Gateway (XProtect 2023 R2 and later).
  - Without O(id), raises a new alarm with O(name), O(text) (the alarm's message), O(source), O(priority) and O(state).
    A new alarm is an occurrence, so this always reports C(changed=true).
  - With O(id), brings an existing alarm to the given O(state), O(priority), O(assigned_to), O(comment) and
    O(reason_for_closing). Only the values that differ are sent, and nothing at all when nothing differs
    (C(changed=false)), so the task can run again safely.
  - States and priorities are given by name (for example C(In progress), C(Closed), C(High)) or by id, and resolved
    through the server's C(alarmStates) and C(alarmPriorities).
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
    details: Reads the alarm (or, for a new alarm, checks the API with one read), resolves names, reports what would change; sends no write.
  diff_mode:
    support: full
    details: The state, priority, assignee, comment and reason for closing before and after, by name.
  platform:
    platforms: posix
options:
  id:
    description:
      - The id of an existing alarm to update, for example from M(milestone.xprotect.alarm_info) or the C(milestone.xprotect.alarms)
        event source. Without it, a new alarm is raised.
    type: str
  name:
    description:
      - The name of the new alarm (its title in the alarm list). Required without O(id).
    type: str
  text:
    description:
      - The message of the new alarm (the API's C(message); the option cannot be called C(message) in Ansible).
        Defaults to O(name).
    type: str
  source:
    description:
      - What the new alarm is about, usually a camera, by name (exact), id or path C(cameras/<id>).
    type: str
  data:
    description:
      - Data stored with the new alarm.
    type: dict
  state:
    description:
      - The alarm's state, by name or id (the server lists them, for example C(New), C(In progress), C(On hold), C(Closed)).
    type: str
  priority:
    description:
      - The alarm's priority, by name or id (for example C(High), C(Medium), C(Low)).
    type: str
  assigned_to:
    description:
      - Who the alarm is assigned to (the user's display name). An empty string unassigns it. Only with O(id).
    type: str
  comment:
    description:
      - The alarm's comment. Compared with the alarm's current comment; a different one is sent.
    type: str
  reason_for_closing:
    description:
      - The reason for closing, usually given with O(state=Closed). Only with O(id).
    type: str
seealso:
  - module: milestone.xprotect.alarm_info
    description: Find alarms by state, priority, source or name.
  - module: milestone.xprotect.event_trigger
    description: Trigger an event, which raises the alarms whose alarm definitions match it.
'''

EXAMPLES = r'''
# The connection options (server_url, username, password, ...) come from module_defaults of
# group/milestone.xprotect.api_gateway or from the XPROTECT_* environment variables.

- name: Raise an alarm
  milestone.xprotect.alarm:
    name: Door forced
    text: The north gate door was forced open
    priority: High
  register: raised

- name: Take it over
  milestone.xprotect.alarm:
    id: "{{ raised.alarm.id }}"
    state: In progress
    assigned_to: SOC operator
    comment: Guard dispatched

- name: Close it (running this again changes nothing)
  milestone.xprotect.alarm:
    id: "{{ raised.alarm.id }}"
    state: Closed
    reason_for_closing: False alarm
'''

RETURN = r'''
alarm:
  description:
    - The alarm as the server answered it. For an update that changed nothing, the alarm as it is.
    - In check mode, a new alarm is C({}); an update shows the alarm with the values it would get.
  returned: success
  type: dict
  sample:
    id: 5b0c7a1e-2f4d-4e8a-9c3b-7d6e5f4a3b21
    localId: 12
    name: Door forced
    message: The north gate door was forced open
    source: cameras/0c8e1d90-5b1e-4c43-9d7b-2a6f3f6f8a52
    state: '4'
    stateName: In progress
    priority: 8188ff24-b5da-4c19-9ebf-c1d8fc2caa75
    priorityName: High
    assignedTo:
      displayName: SOC operator
    comment: Guard dispatched
request:
  description: The body of the C(POST alarms) or C(PATCH alarms/{id}) sent (or that would be sent); C({}) when nothing differs.
  returned: success
  type: dict
  sample:
    state: '4'
    assignedTo.displayName: SOC operator
diff:
  description: The alarm's state, priority, assignee, comment and reason for closing before and after (a new alarm shows its name).
  returned: success
  type: dict
  contains:
    before:
      description: Before the task.
      type: dict
      returned: success
    after:
      description: After the task.
      type: dict
      returned: success
'''

from ansible_collections.milestone.xprotect.plugins.module_utils._alarms import alarm_job
from ansible_collections.milestone.xprotect.plugins.module_utils._module import XProtectModule

ARGUMENT_SPEC = dict(
    id=dict(type='str'),
    name=dict(type='str'),
    text=dict(type='str'),
    source=dict(type='str'),
    data=dict(type='dict'),
    state=dict(type='str'),
    priority=dict(type='str'),
    assigned_to=dict(type='str'),
    comment=dict(type='str'),
    reason_for_closing=dict(type='str'),
)


def main() -> None:
    XProtectModule(argument_spec=ARGUMENT_SPEC, required_one_of=[('id', 'name')], supports_check_mode=True).run(alarm_job)


if __name__ == '__main__':
    main()
