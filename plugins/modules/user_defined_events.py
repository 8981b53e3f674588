#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: user_defined_events
short_description: Declare the whole set of XProtect user-defined events in one task
version_added: 0.1.0
description:
  - Brings the user-defined events of an XProtect system to a declared set of names, with one request that lists the
    events and then only the writes needed. A run that finds everything in place sends no write and no per-event request.
  - Names are compared exactly (case, spaces and Unicode form count). Leading and trailing spaces are kept, never
    stripped; the module warns when it creates or renames to such a name, because it is usually a typo.
  - Renames keep the event's id, so rules and alarms that use the event keep working. Declare a rename with
    C(previous_name) or C(id) in an item of O(events).
  - Names that several events share on the server are reported in RV(duplicates) and left alone, unless O(purge=true)
    removes the extras.
  - The built-in events of subtype C(System) are never renamed or deleted, not even by O(purge).
  - "Writes are sent in this order: renames one after another (so that a name is freed before another event takes it),
    then the creates, up to 16 at a time, then the deletes, up to 16 at a time (nothing is deleted before everything else
    succeeded). The first failure stops new writes; the failed result lists what was already done (RV(created),
    RV(renamed), RV(deleted)) and what was not (C(not_done)). Running the task again continues from there."
  - A create that failed ambiguously (connection reset, HTTP 502 or 504) is repeated only after checking that the first
    attempt did not create the event, so a retry never leaves two events with the same name.
author:
  - milestone.xprotect contributors (@milestone-xprotect)
extends_documentation_fragment:
  - milestone.xprotect.connection
  - milestone.xprotect.connection.attributes
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
    details: Check mode reports the same RV(ignore:changed), name lists and RV(diff) as a real run, and sends no write request.
  diff_mode:
    support: full
    details: The diff shows the sorted names of the user-defined events (System events left out) before and after.
  platform:
    platforms: posix
options:
  events:
    description:
      - The events, each either a name or a dictionary.
      - A name (a string) is an event that must exist (O(state=present)) or must not exist (O(state=absent)).
        Quote names that YAML would read as numbers or booleans (C("2024"), C("yes")).
      - "A dictionary has the key C(name) and at most one of these (only with O(state=present)):"
      - "C(previous_name): if no event is named C(name) yet, the event named C(previous_name) is renamed to C(name)
        (created if neither exists). Once renamed, later runs find C(name) and do nothing. C(previous_name) must not be
        listed as a name of its own."
      - "C(id): the event with this id (a GUID) must be named C(name); it is renamed if needed. Renaming to a name that another
        event keeps is refused."
      - Every name may appear only once. Empty names and names of spaces only are refused before anything is sent.
        A name longer than the server accepts fails with the server's message (the limit is the server's; the module does not guess it).
    type: list
    elements: raw
    required: true
  state:
    description:
      - V(present) creates (or renames) what is missing.
      - V(absent) deletes every event that has one of the names, duplicates included. Listing a System event is an error.
    type: str
    choices: [present, absent]
    default: present
  purge:
    description:
      - With O(state=present), also delete every event of subtype C(UserDefined) whose name is not listed, and of several
        events sharing a listed name keep one (a System event if one has the name, else the one given by C(id), else the
        oldest by creation date) and delete the others.
      - With O(events=[]) this deletes every user-defined event. Run with C(--check --diff) first.
      - System events are never deleted.
    type: bool
    default: false
notes:
  - XProtect has no batch endpoint, so a run is not one transaction; the order of writes and the report of a failed run
    (see above) make a partial run safe to repeat.
  - Writes are sequential rather than concurrent, so at most one write is in doubt when something fails and renames that
    free a name for another rename keep their order. Only runs that change something pay for it.
seealso:
  - module: milestone.xprotect.user_defined_event
    description: One event, addressed by name or id.
  - module: milestone.xprotect.user_defined_event_info
    description: Read events, their resources and property definitions.
'''

EXAMPLES = r'''
# The connection options (server_url, username, password, ...) come from module_defaults of
# group/milestone.xprotect.api_gateway or from the XPROTECT_* environment variables.

- name: The site has these events (others are left alone)
  milestone.xprotect.user_defined_events:
    events:
      - Door forced
      - Panic button
      - Fire alarm

- name: Rename one, and delete every user-defined event not listed
  milestone.xprotect.user_defined_events:
    events:
      - Door forced
      - name: Panic button pressed
        previous_name: Panic button
      - Fire alarm
    purge: true
  register: site_events

- name: Show the ids, for rules that trigger the events
  ansible.builtin.debug:
    msg: "{{ site_events.events | items2dict(key_name='name', value_name='id') }}"

- name: Remove events
  milestone.xprotect.user_defined_events:
    events: [Fire alarm, Test event]
    state: absent
'''

RETURN = r'''
created:
  description: Names of the events created, sorted.
  returned: success
  type: list
  elements: str
  sample: [Fire alarm, Panic button]
renamed:
  description: The events renamed, in the order it was done.
  returned: success
  type: list
  elements: dict
  contains:
    id:
      description: The event's id (unchanged by the rename).
      type: str
      returned: success
    previous_name:
      description: The name before.
      type: str
      returned: success
    name:
      description: The name after.
      type: str
      returned: success
  sample:
    - id: d8b5a5a4-161d-42c0-bfb8-6a023d6f43e1
      previous_name: Panic button
      name: Panic button pressed
deleted:
  description: Names of the events deleted, sorted; a name appears once per event deleted.
  returned: success
  type: list
  elements: str
  sample: [Old test event]
unchanged:
  description: Listed names that needed no write, sorted (with O(state=absent), names no event had).
  returned: success
  type: list
  elements: str
  sample: [Door forced]
duplicates:
  description:
    - Names that more than one event had before the run, with the ids of those events (any subtype, listed or not).
    - Without O(purge) they are left alone and a warning names the listed ones.
  returned: success
  type: dict
  sample:
    Door forced: [0c6a7b9e-51f3-4d1c-9d8e-27c4f8c3a001, 5b0d6a55-02a4-4a4f-8f8e-0e2b7d3f9c12]
events:
  description:
    - With O(state=present), every event that has a listed name after the run, in the order of O(events), as the
      server returned it. In check mode, new events have no id yet.
    - With O(state=absent), an empty list.
  returned: success
  type: list
  elements: dict
  sample:
    - id: d8b5a5a4-161d-42c0-bfb8-6a023d6f43e1
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
  description: The sorted names of the user-defined events before and after the run, one per line.
  returned: success
  type: dict
  contains:
    before:
      description: Names before, one per line.
      type: str
      returned: success
    after:
      description: Names after, one per line.
      type: str
      returned: success
    before_header:
      description: Title of the before side.
      type: str
      returned: success
    after_header:
      description: Title of the after side.
      type: str
      returned: success
  sample:
    before: "Door forced\nPanic button\n"
    after: "Door forced\nFire alarm\nPanic button pressed\n"
    before_header: user-defined events before
    after_header: user-defined events after
not_done:
  description:
    - Only when a write failed. The writes the run did not get to, by kind; the failed one is among them.
    - RV(created), RV(renamed) and RV(deleted) then list only what was done.
  returned: failure
  type: dict
  contains:
    create:
      description: Names not created.
      type: list
      elements: str
      returned: failure
    rename:
      description: Renames not done, as in RV(renamed).
      type: list
      elements: dict
      returned: failure
    delete:
      description: Names not deleted.
      type: list
      elements: str
      returned: failure
  sample:
    create: [A name that is much too long]
    rename: []
    delete: [Old test event]
'''

from ansible_collections.milestone.xprotect.plugins.module_utils._events import manage_event_set
from ansible_collections.milestone.xprotect.plugins.module_utils._module import XProtectModule

ARGUMENT_SPEC = dict(
    events=dict(type='list', elements='raw', required=True),
    state=dict(type='str', choices=['present', 'absent'], default='present'),
    purge=dict(type='bool', default=False),
)


def main() -> None:
    XProtectModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True).run(manage_event_set)


if __name__ == '__main__':
    main()
