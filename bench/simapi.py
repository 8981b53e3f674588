# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The harness's own view of the simulator: preparing a measurement and checking what it did.

Setup and verification are not part of any measurement: they run with the simulator's latency switched
off, before the counters are reset (setup) or after they are read (verification).
"""

from __future__ import annotations

import concurrent.futures
import typing as t

import requests
from requests.adapters import HTTPAdapter

from simulator.process import SimulatorProcess

REST = '/api/rest/v1'
WRITES = ('POST', 'PUT', 'PATCH', 'DELETE')
#: Threads for setup and verification requests (harness work, not measured).
WORKERS = 16


class SimulatorAPI:
    """REST calls as admin over one pooled HTTPS session, plus the simulator's test controls."""

    def __init__(self, sim: SimulatorProcess, username: str = 'admin', password: str = 'admin') -> None:
        self.sim = sim
        self.username = username
        self.password = password
        self.session = requests.Session()
        self.session.trust_env = False  # loopback traffic must not go through an environment proxy
        self.session.verify = sim.ca_file if sim.ca_file else True
        adapter = HTTPAdapter(pool_connections=2, pool_maxsize=WORKERS)
        self.session.mount('https://', adapter)
        self.session.mount('http://', adapter)
        self._token: str | None = None

    def close(self) -> None:
        self.session.close()

    # -- REST -------------------------------------------------------------------------------------------

    def _login(self) -> str:
        response = self.session.post(self.sim.url + '/IDP/connect/token', data={
            'grant_type': 'password', 'username': self.username, 'password': self.password, 'client_id': 'GrantValidatorClient'},
            timeout=30)
        response.raise_for_status()
        return str(response.json()['access_token'])

    def call(self, method: str, path: str, body: t.Any = None) -> t.Any:
        """One REST call (``path`` below ``/api/rest/v1``); logs in again once after a 401 (a full reset voids tokens)."""
        for attempt in range(2):
            if self._token is None or attempt:
                self._token = self._login()
            response = self.session.request(method, self.sim.url + REST + path, json=body, timeout=60,
                                            headers={'Authorization': f'Bearer {self._token}'})
            if response.status_code != 401:
                break
        if response.status_code >= 400:
            raise RuntimeError(f'{method} {path} failed: {response.status_code} {response.text[:300]}')
        return response.json() if response.content else None

    def parallel(self, func: t.Callable[[str], t.Any], items: t.Sequence[str]) -> list[t.Any]:
        if self._token is None:
            self._token = self._login()  # once, before the threads start
        with concurrent.futures.ThreadPoolExecutor(max_workers=WORKERS) as pool:
            return list(pool.map(func, items))

    def cameras(self) -> list[dict[str, t.Any]]:
        """The enabled cameras, in the simulator's (seeded) order."""
        return list(self.call('GET', '/cameras')['array'])

    def ptz_camera_ids(self) -> list[str]:
        return [str(camera['id']) for camera in self.cameras() if camera.get('ptzEnabled')]

    def presets(self, camera_id: str) -> list[dict[str, t.Any]]:
        return list(self.call('GET', f'/cameras/{camera_id}/ptzPresets')['array'])

    def create_preset(self, camera_id: str, name: str) -> None:
        self.call('POST', f'/cameras/{camera_id}/ptzPresets', {'name': name})

    def user_defined_event_names(self) -> list[str]:
        return [str(event['name']) for event in self.call('GET', '/userDefinedEvents')['array'] if event.get('subtype') == 'UserDefined']

    # -- controls -----------------------------------------------------------------------------------------

    def reset(self) -> None:
        """Seed data again (every token issued so far becomes invalid)."""
        self.sim.reset()
        self._token = None

    def reset_counters(self) -> None:
        self.sim.reset(stats_only=True)

    def without_latency(self) -> '_NoLatency':
        """``with api.without_latency():`` harness requests at full speed; the configured latency comes back after."""
        return _NoLatency(self.sim)

    def counters(self) -> dict[str, t.Any]:
        """The simulator's counters plus the number of IDP and discovery requests (from its request log)."""
        stats = self.sim.stats()
        stats['idp_requests'] = len(self.sim.requests_log('idp'))
        stats['discovery_requests'] = len(self.sim.requests_log('discovery'))
        stats['writes'] = sum(stats['requests'].get(method, 0) for method in WRITES)
        return stats


class _NoLatency:
    def __init__(self, sim: SimulatorProcess) -> None:
        self.sim = sim

    def __enter__(self) -> None:
        self.sim.faults(latency_ms=0)

    def __exit__(self, *exc_info: object) -> None:
        self.sim.faults(latency_ms=None)  # back to --latency-ms
