# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The floor of a bulk property edit: the least a program can do to set one field on many cameras, at the same concurrency.

One login, one list of the cameras (an edit has to know what differs), then one ``PATCH cameras/{id}`` per camera whose
field differs, ``--concurrency`` at a time (threads sharing one pooled session). No checks, no retries.

    python bench/floor_resources.py --vars-file vars.json --concurrency 16
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import sys
import typing as t

from floorlib import FloorSession


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--vars-file', required=True, help='JSON file with bench_camera_ids and bench_description')
    parser.add_argument('--concurrency', type=int, default=16)
    args = parser.parse_args(argv)
    with open(args.vars_file, encoding='utf-8') as handle:
        variables = json.load(handle)
    wanted = {str(ident).lower() for ident in variables['bench_camera_ids']}
    description = str(variables['bench_description'])
    floor = FloorSession(args.concurrency)
    cameras = floor.cameras()
    todo = [camera['id'] for camera in cameras if camera['id'].lower() in wanted and camera.get('description') != description]

    def patch(camera_id: str) -> t.Any:
        return floor.call('PATCH', f'/cameras/{camera_id}', {'description': description})

    with concurrent.futures.ThreadPoolExecutor(max_workers=args.concurrency) as pool:
        statuses = list(pool.map(patch, todo))
    print(json.dumps({'cameras': len(wanted), 'patched': len(statuses)}))
    return 0


if __name__ == '__main__':
    sys.exit(main())
