#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: event_trigger
short_description: Trigger an XProtect user-defined event or analytics event
version_added: 0.2.0
description:
  - Triggers an event through the Events REST API of the XProtect API Gateway (XProtect 2023 R2 and later), as an
    operator pressing a button or an integration reporting a detection would. Rules, alarm definitions and every
    subscriber of the Events and State WebSocket (for example the C(milestone.xprotect.events) event source of
    Event-Driven Ansible) see it.
  - The event is found by name or id among the user-defined events, then the analytics events, then all event types.
    A name that fits several events fails and lists their ids.
  - An event is an occurrence, not a state, so the module always reports C(changed=true), also in check mode.
  - XProtect lets a user token (any basic or Windows user, whatever its role) trigger only user-defined events and
    analytics events. Triggering a generic event, a device event (such as motion) or a system event needs a service
    token; with O(username) the module refuses such an event before sending anything and says why.
  - A server before XProtect 2023 R2 has no Events REST API; the module fails with a message naming the version needed.
author:
  - milestone.xprotect contributors (@milestone-xprotect)
extends_documentation_fragment:
  - milestone.xprotect.connection
  - milestone.xprotect.connection.attributes
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
    details:
      - Resolves the event and the source, checks that the event may be triggered and that the server has the Events
        REST API (with one read), and sends no event.
  diff_mode:
    support: none
  platform:
    platforms: posix
options:
  event:
    description:
      - The name (exact, case-sensitive) or id of a user-defined event or an analytics event.
      - The name or id of any other event type of C(GET eventTypes) works too, but only a service token may trigger those.
    type: str
    required: true
  source:
    description:
      - What the event is about, usually a camera, by name (exact) or id, or as a path C(cameras/<id>).
      - Any other source is given as its path, for example C(outputs/<id>).
      - Without it, a user-defined event is its own source, as XProtect does when an event has no related source.
    type: str
  data:
    description:
      - Data sent with the event, for example the fixed structure of an analytics event. Rules and subscribers receive it.
    type: dict
  count:
    description:
      - How many events to trigger (each one is an occurrence of its own), for example to test rules under load.
    type: int
    default: 1
  concurrency:
    description:
      - How many of the O(count) events are sent at the same time.
    type: int
    default: 1
  verify:
    description:
      - Read the first triggered event back with C(GET events/{id}). XProtect stores an event only when the retention of
        its event type is above zero days; when it is not stored, the module warns (the event still happened).
    type: bool
    default: false
notes:
  - The events are sent from the Ansible controller; the connection options are those of every module of the collection.
seealso:
  - module: milestone.xprotect.user_defined_event
    description: Create the user-defined event first.
  - module: milestone.xprotect.alarm
    description: Raise or update an alarm.
'''

EXAMPLES = r'''
# The connection options (server_url, username, password, ...) come from module_defaults of
# group/milestone.xprotect.api_gateway or from the XPROTECT_* environment variables.

- name: The event exists
  milestone.xprotect.user_defined_event:
    name: Door forced

- name: Trigger it
  milestone.xprotect.event_trigger:
    event: Door forced
  register: door_forced

- name: Show the event XProtect recorded
  ansible.builtin.debug:
    msg: "{{ door_forced.event.id }} at {{ door_forced.event.time }}"

- name: Trigger it on behalf of a camera, with data
  milestone.xprotect.event_trigger:
    event: Door forced
    source: "{{ door_camera_id | default(omit) }}"
    data:
      door: North gate

- name: Fifty events, ten at a time, to test the rules
  milestone.xprotect.event_trigger:
    event: Door forced
    count: 50
    concurrency: 10
'''

RETURN = r'''
event:
  description:
    - The first event triggered, as the server answered it (C(id), C(time), C(type), C(source), and C(data) when given).
    - C({}) in check mode.
  returned: success
  type: dict
  sample:
    id: 3a1f7c2e-8d34-4b61-9a0f-6c5d2e1b7a90
    time: '2026-11-21T19:41:07.1230000Z'
    type: d8b5a5a4-161d-42c0-bfb8-6a023d6f43e1
    source: userDefinedEvents/d8b5a5a4-161d-42c0-bfb8-6a023d6f43e1
events:
  description: Every event triggered, in the order they were sent (C([]) in check mode).
  returned: success
  type: list
  elements: dict
event_type:
  description: The event that was resolved from O(event).
  returned: success
  type: dict
  contains:
    id:
      description: Its id, the C(type) of the events.
      type: str
      returned: success
    name:
      description: Its name.
      type: str
      returned: success
    kind:
      description: Where it was found, C(userDefinedEvents), C(analyticsEvents) or C(eventTypes).
      type: str
      returned: success
    generatorType:
      description: C(External) for user-defined events, C(MIPDevice) for analytics events.
      type: str
      returned: success
  sample:
    id: d8b5a5a4-161d-42c0-bfb8-6a023d6f43e1
    name: Door forced
    kind: userDefinedEvents
    generatorType: External
source:
  description: The source that was resolved from O(source) (C(path) and C(name)), or C(null) without O(source).
  returned: success
  type: dict
  sample:
    path: cameras/0c8e1d90-5b1e-4c43-9d7b-2a6f3f6f8a52
    name: Entrance 0004
count:
  description: How many events were asked for.
  returned: success
  type: int
request:
  description: The body sent with each C(POST events) (what check mode would send).
  returned: success
  type: dict
  sample:
    type: d8b5a5a4-161d-42c0-bfb8-6a023d6f43e1
    source: cameras/0c8e1d90-5b1e-4c43-9d7b-2a6f3f6f8a52
stored:
  description: With O(verify), whether the server stored the first event (its event type's retention is above zero).
  returned: when verify is true and not in check mode
  type: bool
'''

from ansible_collections.milestone.xprotect.plugins.module_utils._event_types import trigger_job
from ansible_collections.milestone.xprotect.plugins.module_utils._module import XProtectModule

ARGUMENT_SPEC = dict(
    event=dict(type='str', required=True),
    source=dict(type='str'),
    data=dict(type='dict'),
    count=dict(type='int', default=1),
    concurrency=dict(type='int', default=1),
    verify=dict(type='bool', default=False),
)


def main() -> None:
    XProtectModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True).run(trigger_job)


if __name__ == '__main__':
    main()
