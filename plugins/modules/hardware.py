#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: hardware
short_description: Add, name, enable, re-credential, replace, move and remove hardware (cameras, encoders) and its devices
version_added: 0.2.0
description:
  - Declares hardware on recording servers by address, one (O(address)) or a list (O(items)), and brings it there.
    It adds what is missing, names and enables the hardware and the devices wanted, changes what differs, and leaves what
    already fits alone, so a second run changes nothing.
  - A hardware is identified by its address's host on its recording server, as XProtect itself compares addresses
    (scheme, port and case do not make another hardware). A row with a new name renames the hardware.
  - Adding follows Milestone's flow. Without O(driver), the recording server detects the driver
    (C(HardwareScan) with every driver). Then C(AddHardware) runs as a server task; the new hardware and its devices
    arrive disabled. Then the module names and enables the hardware and the devices wanted.
  - A device that cannot be reached, refuses the credentials, or does not match the driver fails with the server's
    text and a sentence that says which of these it is.
  - Many hardware are worked on O(concurrency) at a time, with a failure tolerance, per-hardware results and totals.
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
      - Reads the recording servers, the hardware, the drivers and the devices, and reports per hardware what would be
        added, changed, replaced, moved or removed. It runs no task (no driver detection either), so a driver left out
        is reported as detected when added.
  diff_mode:
    support: full
    details:
      - Shows, per hardware that changes, its fields and its changed devices before and after. Passwords show as a mask.
  platform:
    platforms: posix
options:
  address:
    description:
      - The address of one hardware, an IP address or host name, optionally with a port (V(cam.example:8080)) or as a URL
        (V(https://192.0.2.10/)). A scheme or port given is compared with, and set on, the hardware; a host alone is
        compared by host only.
      - Mutually exclusive with O(items).
    type: str
    version_added: 0.2.0
  items:
    description:
      - Several hardware, each a dictionary with the keys O(address) (required), O(recording_server), O(driver),
        C(username) and C(password) (the device's credentials), O(name), O(description), O(enabled), O(devices), O(state),
        O(replaces) and O(move), as for one hardware.
      - O(recording_server), O(driver), O(hardware_username), O(hardware_password), O(enabled), O(state) and O(move) given
        at the top level apply to every item that does not give its own, so credentials shared by many devices are typed
        once.
      - The same address twice on one recording server fails before anything is read.
    type: list
    elements: dict
    version_added: 0.2.0
  recording_server:
    description:
      - The recording server, by name or id.
      - Left out, the site's only recording server, or the one already holding the address.
    type: str
    version_added: 0.2.0
  driver:
    description:
      - The hardware driver, by number (V(10)), name, or driver group (V(Hanwha)) when the group has one driver, as listed by
        C(GET /recordingServers/<id>/hardwareDrivers) (M(milestone.xprotect.resource_info) with
        C(type=hardwareDrivers)).
      - Left out, the recording server detects it when the hardware is added.
      - Given for hardware that exists with another driver, the hardware is replaced (C(ReplaceHardware)) with the same
        address and the new driver; its devices and their settings are kept.
    type: str
    version_added: 0.2.0
  hardware_username:
    description:
      - The user name on the device (C(username) in an item). Needed to add hardware; compared and set on hardware that
        exists.
      - Not O(username), which is the XProtect user the module logs in as.
    type: str
    version_added: 0.2.0
  hardware_password:
    description:
      - The password on the device (C(password) in an item). Needed to add hardware.
      - A password cannot be read back to compare; O(update_password) decides when it is set on existing hardware.
      - Not O(password), which is the password of the XProtect user the module logs in as.
    type: str
    version_added: 0.2.0
  update_password:
    description:
      - V(on_create) sets the password only when the hardware is added (or replaced).
      - V(always) sets it on every run, with C(ChangePasswordHardware); the hardware then always reports a change.
    type: str
    choices: [on_create, always]
    default: on_create
    version_added: 0.2.0
  change_device_password:
    description:
      - With O(update_password=always), also change the password on the device itself (C(updatePasswordOnDevice)),
        not only the one XProtect keeps. The device must accept the current credentials.
    type: bool
    default: false
    version_added: 0.2.0
  name:
    description:
      - The hardware's name. Left out, a new hardware keeps the name the server gives it (model and address).
    type: str
    version_added: 0.2.0
  description:
    description:
      - The hardware's description.
    type: str
    version_added: 0.2.0
  enabled:
    description:
      - Whether the hardware is enabled. Left out, it is enabled (hardware found disabled is enabled); set V(false) to keep
        a hardware disabled.
      - A hardware that the run enables, because it was just added or was found disabled, has the devices of the
        O(enable_new_devices) kinds enabled with it, unless O(devices) says otherwise for a channel. The hardware itself is
        enabled last, so a run interrupted at any step after C(AddHardware) leaves it disabled and the next run completes it.
    type: bool
    version_added: 0.2.0
  devices:
    description:
      - Per device kind, the channels to name or enable or disable, each C({channel, name, enabled}). Channels count from 0,
        as XProtect numbers them.
      - Channels not listed are left as they are, or disabled with O(disable_unlisted_devices).
      - A channel the hardware does not have fails the hardware, with the channels it has.
    type: dict
    suboptions:
      cameras:
        description: Camera channels.
        type: list
        elements: dict
      microphones:
        description: Microphone channels.
        type: list
        elements: dict
      speakers:
        description: Speaker channels.
        type: list
        elements: dict
      metadata:
        description: Metadata channels.
        type: list
        elements: dict
      inputs:
        description: Input channels.
        type: list
        elements: dict
      outputs:
        description: Output channels.
        type: list
        elements: dict
    version_added: 0.2.0
  disable_unlisted_devices:
    description:
      - Disable every enabled device of the hardware that O(devices) does not list.
    type: bool
    default: false
    version_added: 0.2.0
  enable_new_devices:
    description:
      - Device kinds enabled on hardware that the run enables (see O(enabled)), unless O(devices) says otherwise for a channel.
      - V([]) enables no device that O(devices) does not enable.
    type: list
    elements: str
    default: [cameras]
    version_added: 0.2.0
  replaces:
    description:
      - The address of the hardware that the device at O(address) replaces (a broken camera swapped for a new one at
        another address). When O(address) is not yet on the recording server and O(replaces) is, that hardware takes
        the new address, driver and credentials with C(ReplaceHardware) and keeps its devices, names and recordings.
      - Once replaced, the hardware is found at O(address) and nothing more happens.
      - Needs O(driver).
    type: str
    version_added: 0.2.0
  move:
    description:
      - When the address is on another recording server of the site, move the hardware to O(recording_server)
        (C(MoveHardware)). Without it, such hardware fails with the recording server it is on.
    type: bool
    default: false
    version_added: 0.2.0
  state:
    description:
      - V(present) adds or changes the hardware; V(absent) removes it and its devices from the recording server
        (C(DELETE /recordingServers/<id>/hardware/<id>)). Removing hardware that is not there changes nothing.
    type: str
    choices: [present, absent]
    default: present
    version_added: 0.2.0
  concurrency:
    description:
      - How many hardware are worked on at once. Between 1 and 64.
    type: int
    default: 8
    version_added: 0.2.0
  failure_tolerance:
    description:
      - How many failed hardware the module tolerates before it fails, a count such as V(3) or a percentage such as
        V(10%). Tolerated failures are reported as warnings and in RV(hardware).
    type: raw
    default: 0
    version_added: 0.2.0
  wait_timeout:
    description:
      - Seconds to wait for each server task (scan, add, replace, move, password) to end.
    type: float
    default: 300
    version_added: 0.2.0
  wait_sleep:
    description:
      - Seconds between two reads of a running task.
    type: float
    default: 1
    version_added: 0.2.0
  report:
    description:
      - Write a report of the run on the controller, where the playbook runs, as C(<name>.md) (Markdown, a table per
        outcome, failures first) and C(<name>.csv) (a row per hardware, in the order of the items). It is the text of the
        P(milestone.xprotect.hardware_report#filter) filter, from the module's result, so it holds no password.
      - A file that already says the same is not written again. The report is written in check mode too, as the review
        of what a run would do, and writing it is not a change.
      - Written by the module's action plugin without another module run. A folder that cannot be written fails the
        task after the run, with what the run did in its result.
    type: dict
    version_added: 0.2.0
    suboptions:
      path:
        description: The folder on the controller; it is created if missing.
        type: path
        required: true
      name:
        description: The file name of both files, without the extension.
        type: str
        default: hardware_report
      sources:
        description:
          - Where each item came from, in the order of O(items), such as C(cameras.csv rows 3-5)
            (RV(milestone.xprotect.hardware_rows#filter:_value.sources)). Items beyond the list are named C(items[N]).
        type: list
        elements: str
        default: []
      origins:
        description: What the hardware was read from, for the report's first line, such as C([cameras.csv]).
        type: list
        elements: str
        default: []
      columns:
        description: The spreadsheet's columns that were read, for the report.
        type: list
        elements: str
        default: []
      ignored_columns:
        description: The spreadsheet's columns that were ignored, for the report.
        type: list
        elements: str
        default: []
notes:
  - Adding costs, per hardware, one C(HardwareScan) when O(driver) is left out, one C(AddHardware), a read of the new
    hardware and its devices, and one C(PATCH) per object to name or enable. A run with nothing to do reads the
    recording servers, the hardware, the drivers named and, per device kind given, one list of devices.
  - A lost answer to C(AddHardware) is sent again; the server refuses a second hardware at the same host on a recording
    server (VMO60276), and the module then takes the hardware it finds there, so hardware is never added twice.
  - Passwords are never returned, shown in a diff or logged.
seealso:
  - module: milestone.xprotect.hardware_info
  - module: milestone.xprotect.device_settings
  - name: Hardware as code
    description: The user guide in the collection's docs/guides/hardware.md.
    link: https://github.com/milestone-xprotect/milestone.xprotect/blob/main/docs/guides/hardware.md
'''

EXAMPLES = r'''
- name: Add a camera, detect its driver, name it and its camera channel
  milestone.xprotect.hardware:
    recording_server: XPRS01
    address: 192.0.2.11
    hardware_username: root
    hardware_password: "{{ vault_camera_password }}"
    name: Lobby entrance
    devices:
      cameras:
        - channel: 0
          name: Lobby entrance

- name: Add several devices that share credentials, four at a time, tolerating one failure
  milestone.xprotect.hardware:
    recording_server: XPRS01
    hardware_username: root
    hardware_password: "{{ vault_camera_password }}"
    concurrency: 4
    failure_tolerance: 1
    items:
      - address: 192.0.2.12
        driver: 10
        name: Encoder hall
        devices:
          cameras:
            - {channel: 0, name: Hall north}
            - {channel: 1, name: Hall south}
            - {channel: 2, enabled: false}
      - address: cam-gate.xprs01.example
        name: Gate PTZ
        username: root
        password: "{{ vault_gate_password }}"
  register: added

- name: Rotate the password XProtect keeps for a camera, and on the camera itself
  milestone.xprotect.hardware:
    address: 192.0.2.11
    hardware_password: "{{ vault_new_camera_password }}"
    update_password: always
    change_device_password: true

- name: A new camera at 192.0.2.21 takes over the broken one at 192.0.2.11 (names, recordings and settings kept)
  milestone.xprotect.hardware:
    address: 192.0.2.21
    replaces: 192.0.2.11
    driver: 10
    hardware_username: root
    hardware_password: "{{ vault_camera_password }}"

- name: Add the cameras of a spreadsheet and write a report of the run beside the playbook
  milestone.xprotect.hardware:
    items: "{{ sheet.hardware }}"
    report:
      path: "{{ playbook_dir }}/reports"
      sources: "{{ sheet.sources }}"
      origins: [cameras.csv]
  vars:
    sheet: "{{ lookup('ansible.builtin.file', 'cameras.csv') | milestone.xprotect.hardware_rows(source='cameras.csv') }}"
  no_log: true

- name: Remove a camera and its devices
  milestone.xprotect.hardware:
    address: 192.0.2.11
    state: absent
'''

RETURN = r'''
hardware:
  description: Per hardware asked for, in the order given, what happened. Passwords are never included.
  returned: when the input could be read
  type: list
  elements: dict
  contains:
    address:
      description: The hardware's address as XProtect keeps it (C(http://192.0.2.11/)), or the one asked for.
      type: str
    recording_server:
      description: Name of the hardware's recording server.
      type: str
    recording_server_id:
      description: Id of the hardware's recording server.
      type: str
    id:
      description: The hardware's id; null for hardware that would be added in check mode or that failed to be added.
      type: str
    name:
      description: The hardware's name.
      type: str
    enabled:
      description: Whether the hardware is enabled.
      type: bool
    model:
      description: The model the hardware reports.
      type: str
    driver_id:
      description: Id of the hardware's driver.
      type: str
    status:
      description: V(changed), V(unchanged), V(would_change) (check mode), V(failed) or V(not_attempted) (the server could
        no longer be reached).
      type: str
    changed:
      description: Whether this hardware changed (or would, in check mode).
      type: bool
    action:
      description: V(add), V(update), V(replace), V(move), V(remove) or V(none).
      type: str
    changes:
      description: What changed, such as V(name), V(enabled), V(password), V(cameras[0].name).
      type: list
      elements: str
    devices:
      description: The devices looked at, each with C(kind), C(channel), C(id), C(name), C(enabled) and C(changes).
      type: list
      elements: dict
    error:
      description: Why this hardware failed; empty otherwise.
      type: str
    item:
      description: Index of the hardware in O(items) (0 for O(address)).
      type: int
    task_ids:
      description: The server tasks started for this hardware, each cleaned up after it ended.
      type: list
      elements: str
    tasks_left_behind:
      description: Tasks that could not be cleaned up.
      type: list
      elements: str
  sample:
    - address: http://192.0.2.11/
      recording_server: XPRS01
      recording_server_id: 3e9a2f48-5c1d-4f0b-9a77-1d2c3b4a5f60
      id: 7d0b4b4e-2f3c-4a51-8f2e-6a9b1c0d2e3f
      name: Lobby entrance
      enabled: true
      model: AXIS P1465-LE Bullet Camera
      driver_id: 9a8b7c6d-1e2f-4a3b-8c4d-5e6f7a8b9c0d
      status: changed
      changed: true
      action: add
      changes: [added, name, enabled, 'cameras[0].enabled', 'cameras[0].name']
      devices: [{kind: cameras, channel: 0, id: 1b2c3d4e-5f60-4a71-8b92-a3b4c5d6e7f8, name: Lobby entrance, enabled: true,
                 changes: [enabled, name]}]
      error: ''
      item: 0
      task_ids: ['41', '42']
      tasks_left_behind: []
totals:
  description: Counts of the hardware per status and per action.
  returned: when the input could be read
  type: dict
  sample: {hardware: 3, changed: 2, unchanged: 1, would_change: 0, failed: 0, not_attempted: 0, failures: 0, added: 1,
           updated: 1, replaced: 0, moved: 0, removed: 0}
duration:
  description: Seconds the whole run took.
  returned: when the input could be read
  type: float
  sample: 7.412
report_files:
  description: The report files, with O(report).
  returned: when O(report) is given and the report was written or found up to date
  type: list
  elements: path
  sample: [/srv/reports/hardware_report.md, /srv/reports/hardware_report.csv]
report_written:
  description: The report files this run wrote; the others already said the same.
  returned: when O(report) is given and the report was written or found up to date
  type: list
  elements: path
  sample: [/srv/reports/hardware_report.md]
'''

from ansible_collections.milestone.xprotect.plugins.module_utils._hardware import (
    DEFAULT_CONCURRENCY,
    DEVICE_KINDS,
    manage_hardware,
)
from ansible_collections.milestone.xprotect.plugins.module_utils._module import XProtectModule
from ansible_collections.milestone.xprotect.plugins.module_utils._report import REPORT_SPEC

DEVICE_LIST = dict(type='list', elements='dict')
ARGUMENT_SPEC = dict(
    address=dict(type='str'),
    items=dict(type='list', elements='dict'),
    recording_server=dict(type='str'),
    driver=dict(type='str'),
    hardware_username=dict(type='str'),
    hardware_password=dict(type='str', no_log=True),
    update_password=dict(type='str', choices=['on_create', 'always'], default='on_create', no_log=False),
    change_device_password=dict(type='bool', default=False, no_log=False),
    name=dict(type='str'),
    description=dict(type='str'),
    enabled=dict(type='bool'),
    devices=dict(type='dict', options={kind: dict(DEVICE_LIST) for kind in DEVICE_KINDS}),
    disable_unlisted_devices=dict(type='bool', default=False),
    enable_new_devices=dict(type='list', elements='str', default=['cameras']),
    replaces=dict(type='str'),
    move=dict(type='bool', default=False),
    state=dict(type='str', choices=['present', 'absent'], default='present'),
    concurrency=dict(type='int', default=DEFAULT_CONCURRENCY),
    failure_tolerance=dict(type='raw', default=0),
    wait_timeout=dict(type='float', default=300),
    wait_sleep=dict(type='float', default=1),
    # written on the controller by the action plugin (plugins/action/hardware.py), which takes it out of the module's arguments
    report=dict(type='dict', options=REPORT_SPEC),
)
MUTUALLY_EXCLUSIVE = [('address', 'items')]
REQUIRED_ONE_OF = [('address', 'items')]


def build_module() -> XProtectModule:
    return XProtectModule(argument_spec=ARGUMENT_SPEC, mutually_exclusive=MUTUALLY_EXCLUSIVE, required_one_of=REQUIRED_ONE_OF,
                          supports_check_mode=True, pool_size=64)


def main() -> None:
    build_module().run(manage_hardware)


if __name__ == '__main__':
    main()
