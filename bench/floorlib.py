# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every floor script does the same way: one pooled session, one login, and the camera list page by page.

The connection comes from XPROTECT_SERVER_URL, XPROTECT_USERNAME, XPROTECT_PASSWORD and XPROTECT_CA_PATH, like the
modules'.
"""

from __future__ import annotations

import os
import typing as t

import requests
from requests.adapters import HTTPAdapter

REST = '/api/rest/v1'


class FloorSession:
    """A requests session with ``concurrency`` pooled connections, logged in once."""

    def __init__(self, concurrency: int) -> None:
        self.base = os.environ['XPROTECT_SERVER_URL'].rstrip('/')
        self.session = requests.Session()
        self.session.trust_env = False
        self.session.verify = os.environ.get('XPROTECT_CA_PATH') or True
        adapter = HTTPAdapter(pool_connections=1, pool_maxsize=concurrency)
        self.session.mount('https://', adapter)
        self.session.mount('http://', adapter)
        response = self.session.post(self.base + '/IDP/connect/token', timeout=30, data={
            'grant_type': 'password', 'username': os.environ['XPROTECT_USERNAME'], 'password': os.environ['XPROTECT_PASSWORD'],
            'client_id': 'GrantValidatorClient'})
        response.raise_for_status()
        self.headers = {'Authorization': 'Bearer ' + response.json()['access_token']}

    def call(self, method: str, path: str, body: t.Any = None, timeout: float = 30, decode: bool = True) -> t.Any:
        """One REST call (``path`` below /api/rest/v1); its JSON answer (None with ``decode=False``: the status alone counts)."""
        answer = self.session.request(method, self.base + REST + path, json=body, headers=self.headers, timeout=timeout)
        answer.raise_for_status()
        return answer.json() if decode else None

    def cameras(self) -> list[dict[str, t.Any]]:
        """Every camera, disabled ones included, in pages of 500."""
        cameras: list[dict[str, t.Any]] = []
        page = 0
        while True:
            batch = self.call('GET', f'/cameras?disabled&page={page}&size=500', timeout=60)['array']
            cameras.extend(batch)
            if len(batch) < 500:
                return cameras
            page += 1
