#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: user_defined_event
short_description: Create, rename or delete one XProtect user-defined event
version_added: 0.1.0
description:
  - Makes sure one user-defined event exists under a given name, or does not exist.
  - The event is found by its exact name (case, spaces and Unicode form count), or by O(id).
    With O(id) and O(name), the event is renamed to O(name) if its name differs; renaming keeps the id, so rules and
    alarms that use the event keep working.
  - If several events carry the name, the module fails and lists their ids instead of guessing which one is meant.
    Give O(id) to address one of them.
  - The built-in events of subtype C(System) (for example C(RequestStartRecording)) can be read but are never
    renamed or deleted; asking for it is an error.
  - One request lists the events, then at most one write is sent. A create that failed ambiguously (connection reset,
    HTTP 502 or 504) is repeated only after checking that the first attempt did not create the event, so a retry never
    leaves two events with the same name.
  - To declare many events at once, use M(milestone.xprotect.user_defined_events), which needs one request for all of them.
author:
  - milestone.xprotect contributors (@milestone-xprotect)
extends_documentation_fragment:
  - milestone.xprotect.connection
  - milestone.xprotect.connection.attributes
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
    details: Check mode reports the same RV(ignore:changed) and RV(diff) as a real run and sends no write request.
  diff_mode:
    support: full
  platform:
    platforms: posix
options:
  name:
    description:
      - The name of the event, kept exactly as given. Names are compared exactly, so C(Door forced) and C(door forced)
        are two events.
      - Leading and trailing spaces are kept, never stripped; the module warns when it creates such a name, because it
        is usually a typo.
      - An empty name, or one of spaces only, is refused before anything is sent. A name longer than the server accepts
        fails with the server's message (the limit is the server's; the module does not guess it).
      - The name must be text. Quote names that YAML reads as something else (V("2024"), V("yes"), V("1.10")); a number,
        list or dictionary is refused before anything is sent, as in M(milestone.xprotect.user_defined_events).
      - Required unless O(id) is given.
    type: raw
  id:
    description:
      - The id of an existing event, a GUID. Anything else fails before a request is sent.
      - With O(state=present) and O(name), the event is renamed to O(name) if its name differs; renaming to a name another
        event already has is refused. Without O(name), the module only checks that the event exists and returns it.
      - With O(state=absent), this event is deleted; if O(name) is also given, it must be the event's current name
        (a safety check).
      - An id cannot be chosen for a new event; the server assigns it.
    type: str
  state:
    description:
      - V(present) creates the event if no event has O(name) (or renames the event O(id)).
      - V(absent) deletes it if it exists.
    type: str
    choices: [present, absent]
    default: present
notes:
  - Names are not unique on XProtect servers by default; this module never creates a second event with a name that
    exists, but cannot stop other tools from doing so.
seealso:
  - module: milestone.xprotect.user_defined_events
    description: Declare the whole set of events in one task.
  - module: milestone.xprotect.user_defined_event_info
    description: Read events, their resources and property definitions.
'''

EXAMPLES = r'''
# The connection options (server_url, username, password, ...) come from module_defaults of
# group/milestone.xprotect.api_gateway or from the XPROTECT_* environment variables.

- name: Make sure the event exists
  milestone.xprotect.user_defined_event:
    name: Door forced
  register: door_event

- name: Rename it by id (rules that use the event keep working)
  milestone.xprotect.user_defined_event:
    id: "{{ door_event.event.id }}"
    name: Door forced open

- name: Delete it
  milestone.xprotect.user_defined_event:
    name: Door forced open
    state: absent
'''

RETURN = r'''
event:
  description:
    - The event as the server returned it. For O(state=absent), the event that was deleted, or C({}) if there was none.
    - In check mode, a new event has only C(name), C(displayName) and C(subtype), and a renamed one its new name.
  returned: success
  type: dict
  sample:
    id: d8b5a5a4-161d-42c0-bfb8-6a023d6f43e1
    name: Door forced
    displayName: Door forced
    subtype: UserDefined
    createdDate: '2026-11-21T19:41:07.1230000Z'
    lastModified: '2026-11-21T19:41:07.1230000Z'
    relations:
      self:
        type: userDefinedEvents
        id: d8b5a5a4-161d-42c0-bfb8-6a023d6f43e1
diff:
  description: The event's name (and id, when it existed before) before and after the task; C({}) where it does not exist.
  returned: success
  type: dict
  contains:
    before:
      description: The event before the task.
      type: dict
      returned: success
    after:
      description: The event after the task.
      type: dict
      returned: success
  sample:
    before:
      id: d8b5a5a4-161d-42c0-bfb8-6a023d6f43e1
      name: Door forced
    after:
      id: d8b5a5a4-161d-42c0-bfb8-6a023d6f43e1
      name: Door forced open
'''

from ansible_collections.milestone.xprotect.plugins.module_utils._events import manage_event
from ansible_collections.milestone.xprotect.plugins.module_utils._module import XProtectModule

ARGUMENT_SPEC = dict(
    # raw, checked by check_name: Ansible would turn a dict or a number into text and create an event of that name.
    name=dict(type='raw'),
    id=dict(type='str'),
    state=dict(type='str', choices=['present', 'absent'], default='present'),
)


def main() -> None:
    XProtectModule(argument_spec=ARGUMENT_SPEC, required_one_of=[('name', 'id')], supports_check_mode=True).run(manage_event)


if __name__ == '__main__':
    main()
