"""Shared fixtures for tests that talk to the XProtect simulator over HTTPS.

``simulator``          a session-wide simulator (TLS, default switches, 40 cameras), reset to its seed
                       data before every test that uses it
``simulator_factory``  start simulators with custom switches: ``simulator_factory("--unique-event-names")``;
                       they are stopped when the test ends
``sim_client``         a requests-based REST client for any simulator: ``sim_client(sim, "admin", "admin")``
``client``             ``sim_client(simulator)``, logged in as admin

``XPROTECT_TEST_CPU=<file>`` appends one JSON line per test to that file: the CPU seconds (user + system) that the
test and the processes it waited for used (docs/development.md, "Finding what is slow").
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from typing import Any, Callable, Iterator

import pytest
import requests

from simulator.process import SimulatorProcess

DEFAULT_CAMERAS = "40"
CPU_RECORD = os.environ.get("XPROTECT_TEST_CPU")


def cpu_seconds() -> float:
    """CPU used by this process and by the child processes it has waited for (playbooks, simulators, tools)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: Any, nextitem: Any) -> Iterator[None]:  # pylint: disable=unused-argument
    """With XPROTECT_TEST_CPU set, record what each test cost in CPU and wall time (its fixtures' set-up included)."""
    if not CPU_RECORD:
        yield
        return
    cpu, wall = cpu_seconds(), time.monotonic()
    yield
    with open(CPU_RECORD, "a", encoding="utf-8") as handle:
        record = {"test": item.nodeid, "environment": os.path.basename(sys.prefix), "cpu": round(cpu_seconds() - cpu, 3),
                  "wall": round(time.monotonic() - wall, 3)}
        handle.write(json.dumps(record) + "\n")


class SimClient:
    """Minimal REST client for tests: logs in through the IDP and keeps the bearer token."""

    def __init__(self, sim: SimulatorProcess, username: str = "admin", password: str = "admin") -> None:
        self.sim = sim
        self.username = username
        self.password = password
        self.session = requests.Session()
        self.session.trust_env = False  # never route loopback test traffic through an environment proxy
        self.session.verify = sim.ca_file if sim.ca_file else True
        self.token: str | None = None

    @property
    def base(self) -> str:
        """REST root of the simulator."""
        return self.sim.url + "/api/rest/v1"

    def login(self, path: str = "/API/IDP/connect/token", **overrides: str) -> requests.Response:
        """POST the password grant; stores the token on success."""
        form = {"grant_type": "password", "username": self.username, "password": self.password, "client_id": "GrantValidatorClient"}
        form.update(overrides)
        response = self.session.post(self.sim.url + path, data=form, timeout=30)
        if response.status_code == 200:
            self.token = response.json()["access_token"]
        return response

    def call(self, method: str, path: str, *, auth: bool = True, **kwargs: Any) -> requests.Response:
        """A REST request; ``path`` is relative to /api/rest/v1 unless it starts with http or /_simulator or /IDP."""
        url = path if path.startswith("http") else self.base + path
        headers = dict(kwargs.pop("headers", {}) or {})
        if auth:
            if self.token is None:
                response = self.login()
                assert response.status_code == 200, response.text
            headers.setdefault("Authorization", f"Bearer {self.token}")
        kwargs.setdefault("timeout", 30)
        return self.session.request(method, url, headers=headers, **kwargs)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        """GET below /api/rest/v1."""
        return self.call("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        """POST below /api/rest/v1."""
        return self.call("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> requests.Response:
        """PUT below /api/rest/v1."""
        return self.call("PUT", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> requests.Response:
        """PATCH below /api/rest/v1."""
        return self.call("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> requests.Response:
        """DELETE below /api/rest/v1."""
        return self.call("DELETE", path, **kwargs)

    def close(self) -> None:
        """Close the HTTP session."""
        self.session.close()


@pytest.fixture(scope="session", name="simulator_session")
def simulator_session_fixture() -> Iterator[SimulatorProcess]:
    """One simulator for the whole test session (use ``simulator``, which resets it per test)."""
    sim = SimulatorProcess("--cameras", DEFAULT_CAMERAS)
    sim.start()
    yield sim
    sim.stop()


@pytest.fixture(name="simulator")
def simulator_fixture(simulator_session: SimulatorProcess) -> SimulatorProcess:
    """The session simulator, back at its seed state (data, tokens, faults, counters) for this test."""
    if not simulator_session.is_running():
        simulator_session.start()
    simulator_session.reset()
    return simulator_session


@pytest.fixture
def simulator_factory() -> Iterator[Callable[..., SimulatorProcess]]:
    """Start simulators with custom switches; all are stopped when the test ends."""
    started: list[SimulatorProcess] = []

    def start(*cli_args: str, tls: bool = True, **kwargs: Any) -> SimulatorProcess:
        sim = SimulatorProcess(*cli_args, tls=tls, **kwargs)
        started.append(sim)
        return sim.start()

    yield start
    for sim in started:
        sim.stop()


@pytest.fixture(name="sim_client")
def sim_client_fixture() -> Iterator[Callable[..., SimClient]]:
    """Build :class:`SimClient` objects for any simulator; closed at the end of the test."""
    clients: list[SimClient] = []

    def build(sim: SimulatorProcess, username: str = "admin", password: str = "admin") -> SimClient:
        built = SimClient(sim, username, password)
        clients.append(built)
        return built

    yield build
    for built in clients:
        built.close()


@pytest.fixture
def client(simulator: SimulatorProcess, sim_client: Callable[..., SimClient]) -> SimClient:
    """An admin client of the per-test reset ``simulator``."""
    return sim_client(simulator)


#: The longest test files (wall time of each file alone), measured: started first, so that the workers do not wait on one
#: of them at the end.
LONGEST_FIRST = ("test_user_defined_events.py", "test_reliability_faults.py", "test_ptz_task.py", "test_reliability_secrets.py",
                 "test_reliability_faults_slow.py", "test_task.py", "test_first_use.py", "test_resource.py", "test_access.py",
                 "test_playbooks.py", "test_site_as_code.py", "test_bench_smoke.py", "test_camera_info.py", "test_ansible_runner.py",
                 "test_reliability_faults_playbook.py", "test_device_settings.py", "test_reliability_load.py", "test_hardware.py",
                 "test_events_api.py", "test_inventory.py", "test_rulebook.py")


def pytest_collection_modifyitems(items: list[Any]) -> None:
    """Order the files longest first (pytest-xdist's loadfile hands out files in collection order); tests keep their order."""
    rank = {name: index for index, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))
