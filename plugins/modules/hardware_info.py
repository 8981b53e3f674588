#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: hardware_info
short_description: Read hardware with its recording server, driver, devices, firmware and MAC address
version_added: 0.2.0
description:
  - Lists the hardware of the site or of one recording server, enabled and disabled, optionally only some addresses,
    names or ids, each with its recording server, its driver (name, number, group), its devices per kind with their
    channels, the MAC address, firmware version and serial number from its driver settings
    (C(GET /hardware/<id>/hardwareDriverSettings)), and when its password was last changed.
  - Never reads or returns a password.
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
  recording_server:
    description:
      - Only the hardware of this recording server, by name or id.
    type: str
    version_added: 0.2.0
  address:
    description:
      - Only the hardware at these addresses (compared by host, as XProtect compares them).
    type: list
    elements: str
    version_added: 0.2.0
  name:
    description:
      - Only the hardware with these exact names.
    type: list
    elements: str
    version_added: 0.2.0
  id:
    description:
      - Only the hardware with these ids.
    type: list
    elements: str
    version_added: 0.2.0
  include_disabled:
    description:
      - Include disabled hardware.
    type: bool
    default: true
    version_added: 0.2.0
  include_devices:
    description:
      - Read the devices of each hardware (one list per device kind for the whole site, or per hardware when they are few).
    type: bool
    default: true
    version_added: 0.2.0
  include_driver_settings:
    description:
      - Read each hardware's driver settings for its MAC address, firmware version, serial number and detected model (one
        request per hardware).
    type: bool
    default: true
    version_added: 0.2.0
  concurrency:
    description:
      - How many requests are sent at once. Between 1 and 64.
    type: int
    default: 8
    version_added: 0.2.0
seealso:
  - module: milestone.xprotect.hardware
  - module: milestone.xprotect.camera_info
'''

EXAMPLES = r'''
- name: Every hardware of XPRS01 with firmware and MAC address
  milestone.xprotect.hardware_info:
    recording_server: XPRS01
  register: inventory

- name: Hardware whose password has not changed this year
  ansible.builtin.debug:
    msg: "{{ inventory.hardware | selectattr('password_last_modified', 'lt', '2026-01-01') | map(attribute='address') | list }}"

- name: One camera's hardware, without the per-hardware driver settings read
  milestone.xprotect.hardware_info:
    address: [192.0.2.11]
    include_driver_settings: false
'''

RETURN = r'''
hardware:
  description: The hardware, ordered by recording server name and host.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: The hardware's id.
      type: str
    name:
      description: The hardware's name.
      type: str
    address:
      description: The address as XProtect keeps it.
      type: str
    host:
      description: The address's host, lower case.
      type: str
    enabled:
      description: Whether the hardware is enabled.
      type: bool
    description:
      description: The hardware's description.
      type: str
    model:
      description: The model the hardware reports.
      type: str
    username:
      description: The user name XProtect uses on the device.
      type: str
    password_last_modified:
      description: When the password XProtect keeps for the device last changed.
      type: str
    last_modified:
      description: When the hardware last changed.
      type: str
    recording_server:
      description: Name of its recording server.
      type: str
    recording_server_id:
      description: Id of its recording server.
      type: str
    driver:
      description: Its driver, with C(id), C(name), C(number) and C(group).
      type: dict
    mac_address:
      description: MAC address (with O(include_driver_settings)); null when the driver does not report it.
      type: str
    firmware_version:
      description: Firmware version (with O(include_driver_settings)).
      type: str
    serial_number:
      description: Serial number (with O(include_driver_settings)).
      type: str
    detected_model:
      description: The model the driver detected (with O(include_driver_settings)).
      type: str
    devices:
      description: With O(include_devices), per kind (C(cameras), C(microphones), C(speakers), C(metadata), C(inputs),
        C(outputs)) the devices, each with C(id), C(name), C(channel) and C(enabled).
      type: dict
  sample:
    - id: 7d0b4b4e-2f3c-4a51-8f2e-6a9b1c0d2e3f
      name: Lobby entrance
      address: http://192.0.2.11/
      host: 192.0.2.11
      enabled: true
      description: ''
      model: AXIS P1465-LE Bullet Camera
      username: root
      password_last_modified: '2026-11-30T10:12:44.0000000Z'
      last_modified: '2026-11-30T10:12:51.0000000Z'
      recording_server: XPRS01
      recording_server_id: 3e9a2f48-5c1d-4f0b-9a77-1d2c3b4a5f60
      driver: {id: 9a8b7c6d-1e2f-4a3b-8c4d-5e6f7a8b9c0d, name: AXIS network cameras and video encoders, number: 10, group: AXIS}
      mac_address: 00:40:8C:17:A7:36
      firmware_version: 11.11.73
      serial_number: ACCC8E17A736
      detected_model: AXIS P1465-LE Bullet Camera
      devices:
        cameras: [{id: 1b2c3d4e-5f60-4a71-8b92-a3b4c5d6e7f8, name: Lobby entrance, channel: 0, enabled: true}]
        microphones: []
        speakers: []
        metadata: []
        inputs: []
        outputs: []
'''

from ansible_collections.milestone.xprotect.plugins.module_utils._hardware import DEFAULT_CONCURRENCY, read_hardware
from ansible_collections.milestone.xprotect.plugins.module_utils._module import XProtectModule

ARGUMENT_SPEC = dict(
    recording_server=dict(type='str'),
    address=dict(type='list', elements='str'),
    name=dict(type='list', elements='str'),
    id=dict(type='list', elements='str'),
    include_disabled=dict(type='bool', default=True),
    include_devices=dict(type='bool', default=True),
    include_driver_settings=dict(type='bool', default=True),
    concurrency=dict(type='int', default=DEFAULT_CONCURRENCY),
)


def build_module() -> XProtectModule:
    return XProtectModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True, pool_size=64)


def main() -> None:
    build_module().run(read_hardware)


if __name__ == '__main__':
    main()
