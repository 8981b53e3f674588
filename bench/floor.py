# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The floor of a fleet PTZ reset: the least a program can do to get the same result, at the same concurrency.

One login; then per camera, ``--concurrency`` cameras at a time (threads sharing one pooled HTTPS session):

1. ``GET  cameras/{id}/ptzPresets``                       find the preset's id by name
2. ``POST cameras/{id}/ptzPresets?task=DefaultPtzPreset``  with ``{"itemSelection": "PtzPreset[<ID>]"}``
3. ``GET  tasks/{task id}`` right away, then every ``--poll-interval`` seconds until Success or Error
4. ``POST tasks/{task id}?task=TaskCleanup``

No checks, no retries, no error handling beyond failing: what is left is the time the server and the
network take, which no client can beat at this concurrency and polling interval. The connection comes from
XPROTECT_SERVER_URL, XPROTECT_USERNAME, XPROTECT_PASSWORD and XPROTECT_CA_PATH, like the modules'.

    python bench/floor.py --cameras-file ids.json --preset "Bench Home" --concurrency 32 --poll-interval 1
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import sys
import time
import typing as t

import requests
from requests.adapters import HTTPAdapter

REST = '/api/rest/v1'
TERMINAL = ('Success', 'Error')


class Floor:
    """The four calls per camera, nothing else."""

    def __init__(self, server_url: str, ca_path: str | None, *, concurrency: int, poll_interval: float, timeout: float) -> None:
        self.base = server_url.rstrip('/')
        self.poll_interval = poll_interval
        self.timeout = timeout
        self.session = requests.Session()
        self.session.trust_env = False
        self.session.verify = ca_path or True
        adapter = HTTPAdapter(pool_connections=1, pool_maxsize=concurrency)
        self.session.mount('https://', adapter)
        self.session.mount('http://', adapter)
        self.headers: dict[str, str] = {}

    def login(self, username: str, password: str) -> None:
        response = self.session.post(self.base + '/IDP/connect/token', timeout=30, data={
            'grant_type': 'password', 'username': username, 'password': password, 'client_id': 'GrantValidatorClient'})
        response.raise_for_status()
        self.headers = {'Authorization': 'Bearer ' + response.json()['access_token']}

    def _call(self, method: str, path: str, body: t.Any = None) -> t.Any:
        response = self.session.request(method, self.base + REST + path, json=body, headers=self.headers, timeout=30)
        response.raise_for_status()
        return response.json()

    def reset_camera(self, camera_id: str, preset_name: str) -> str:
        """Make ``preset_name`` the camera's default preset; returns the task's final state."""
        presets = self._call('GET', f'/cameras/{camera_id}/ptzPresets')['array']
        preset = next(item for item in presets if item['name'] == preset_name)
        result = self._call('POST', f'/cameras/{camera_id}/ptzPresets?task=DefaultPtzPreset',
                            {'itemSelection': f"PtzPreset[{preset['id'].upper()}]"})['result']
        task_id = result['path']['id']
        deadline = time.monotonic() + self.timeout
        while True:
            state = self._call('GET', f'/tasks/{task_id}')['data']['state']
            if state in TERMINAL or time.monotonic() > deadline:
                break
            time.sleep(self.poll_interval)
        self._call('POST', f'/tasks/{task_id}?task=TaskCleanup', {})
        return str(state)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--cameras-file', required=True, help='JSON list of camera ids')
    parser.add_argument('--preset', required=True, help='name of the preset to make the default')
    parser.add_argument('--concurrency', type=int, default=8)
    parser.add_argument('--poll-interval', type=float, default=1.0, help='seconds between two reads of a running task')
    parser.add_argument('--timeout', type=float, default=120.0, help='seconds to wait for one task')
    args = parser.parse_args(argv)
    with open(args.cameras_file, encoding='utf-8') as handle:
        camera_ids = [str(ident) for ident in json.load(handle)]

    floor = Floor(os.environ['XPROTECT_SERVER_URL'], os.environ.get('XPROTECT_CA_PATH'), concurrency=args.concurrency,
                  poll_interval=args.poll_interval, timeout=args.timeout)
    floor.login(os.environ['XPROTECT_USERNAME'], os.environ['XPROTECT_PASSWORD'])
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.concurrency) as pool:
        states = list(pool.map(lambda camera_id: floor.reset_camera(camera_id, args.preset), camera_ids))
    succeeded = states.count('Success')
    print(json.dumps({'cameras': len(camera_ids), 'succeeded': succeeded}))
    return 0 if succeeded == len(camera_ids) else 1


if __name__ == '__main__':
    sys.exit(main())
