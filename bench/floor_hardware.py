# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The floor of a hardware import: the least a program can do to add the devices of a spreadsheet, at the same concurrency.

One login, the recording servers and the hardware (one list each: what is already there is left alone, as the role
leaves it), then per row of the CSV file whose address is not yet on its recording server, ``--concurrency`` rows at a
time (threads sharing one pooled session):

1. without a ``DriverNumber``: ``POST recordingServers/{id}?task=HardwareScan`` with the row's credentials (the driver
   that speaks to the device), ``GET tasks/{id}`` right away and then every ``--poll-interval`` seconds until it ends,
   ``POST tasks/{id}?task=TaskCleanup``;
2. ``POST recordingServers/{id}?task=AddHardware``, polled and cleaned up the same way (the new hardware's id is in the task);
3. ``GET hardware/{id}/cameras?disabled`` and one ``PATCH cameras/{id}`` with ``enabled: true`` per camera (AddHardware
   leaves the hardware and its devices disabled);
4. ``PATCH hardware/{id}`` with the ``HardwareName`` and ``enabled: true``, last, as the module does.

No checks, no retries, no report: what is left is what the server and the network take at this concurrency and
polling interval. On a site that has every row's hardware it is the two lists alone. It reads the columns Address,
RecordingServer, UserName, Password, DriverNumber and HardwareName.

    python bench/floor_hardware.py --csv-file devices.csv --concurrency 32 --poll-interval 1
"""

from __future__ import annotations

import argparse
import concurrent.futures
import csv
import json
import sys
import time
import typing as t
from urllib.parse import urlsplit

from floorlib import FloorSession

TERMINAL = ('Success', 'Error')


def host_of(address: str) -> str:
    return (urlsplit(address if '://' in address else '//' + address).hostname or '').lower()


class HardwareFloor:
    """The calls per device, nothing else."""

    def __init__(self, session: FloorSession, *, poll_interval: float, timeout: float) -> None:
        self.session = session
        self.poll_interval = poll_interval
        self.timeout = timeout
        self.drivers: dict[tuple[str, str], str] = {}

    def task(self, path: str, task: str, body: dict[str, t.Any]) -> dict[str, t.Any]:
        """Run one server task to its end and clean it up; its final state."""
        task_id = self.session.call('POST', f'{path}?task={task}', body)['result']['path']['id']
        deadline = time.monotonic() + self.timeout
        while True:
            final = self.session.call('GET', f'/tasks/{task_id}')['data']
            if final['state'] in TERMINAL or time.monotonic() > deadline:
                break
            time.sleep(self.poll_interval)
        self.session.call('POST', f'/tasks/{task_id}?task=TaskCleanup', {})
        if final['state'] != 'Success':
            raise RuntimeError(f'{task} {body.get("hardwareAddress")}: {final.get("state")} {final.get("errorText", "")}')
        return final

    def driver_id(self, server_id: str, number: str) -> str:
        key = (server_id, number)
        if key not in self.drivers:
            for driver in self.session.call('GET', f'/recordingServers/{server_id}/hardwareDrivers')['array']:
                self.drivers[(server_id, str(driver['number']))] = driver['id']
        return self.drivers[key]

    def add(self, server_id: str, row: dict[str, str]) -> str:
        path = f'/recordingServers/{server_id}'
        credentials = {'userName': row['UserName'], 'password': row['Password']}
        if row.get('DriverNumber', '').strip() not in ('', '0'):
            driver = self.driver_id(server_id, row['DriverNumber'].strip())
        else:
            scan = self.task(path, 'HardwareScan', dict(credentials, hardwareAddress=row['Address'], hardwareDriverIds='',
                                                        useDefaultCredentials=False))
            driver = scan['hardwareDriverPath']['id']
        added = self.task(path, 'AddHardware', dict(credentials, hardwareAddress=row['Address'], customData='',
                                                    hardwareDriverPath={'type': 'hardwareDrivers', 'id': driver}))
        hardware_id = added['hardwarePath']['id']
        for camera in self.session.call('GET', f'/hardware/{hardware_id}/cameras?disabled')['array']:
            self.session.call('PATCH', f'/cameras/{camera["id"]}', {'enabled': True})
        self.session.call('PATCH', f'/hardware/{hardware_id}', {'name': row['HardwareName'], 'enabled': True})
        return 'added'


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--csv-file', required=True, help='the spreadsheet (Address, RecordingServer, UserName, Password, ...)')
    parser.add_argument('--concurrency', type=int, default=8)
    parser.add_argument('--poll-interval', type=float, default=1.0, help='seconds between two reads of a running task')
    parser.add_argument('--timeout', type=float, default=300.0, help='seconds to wait for one task')
    args = parser.parse_args(argv)
    with open(args.csv_file, encoding='utf-8-sig', newline='') as handle:
        rows = list(csv.DictReader(handle))

    session = FloorSession(args.concurrency)
    servers = {server['name']: server['id'] for server in session.call('GET', '/recordingServers')['array']}
    present = {(hardware['relations']['parent']['id'], host_of(hardware['address']))
               for hardware in session.call('GET', '/hardware?disabled', timeout=60)['array']}
    todo = [(servers[row['RecordingServer']], row) for row in rows if (servers[row['RecordingServer']], host_of(row['Address'])) not in present]
    floor = HardwareFloor(session, poll_interval=args.poll_interval, timeout=args.timeout)
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.concurrency) as pool:
        outcomes = list(pool.map(lambda pair: floor.add(*pair), todo))
    print(json.dumps({'rows': len(rows), 'added': outcomes.count('added'), 'unchanged': len(rows) - len(todo)}))
    return 0


if __name__ == '__main__':
    sys.exit(main())
