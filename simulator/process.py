"""Run the simulator as a child process: used by the tests, the demo and the benchmarks.

Standard library only (urllib with the generated CA), so it works from any interpreter that can start
``python -m simulator`` from the repository root::

    with SimulatorProcess("--cameras", "200", "--task-seconds", "0.2") as sim:
        print(sim.url, sim.ca_file)
        sim.faults(fail_next=1, status=503)
        print(sim.stats()["requests"])
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
READY_PREFIX = "listening on "


class SimulatorError(RuntimeError):
    """The simulator could not be started or a control request failed."""


class SimulatorProcess:  # pylint: disable=too-many-instance-attributes
    """One ``python -m simulator`` child process.

    ``cli_args`` are passed through (e.g. ``"--cameras", "5000"``); ``--port 0`` and, with ``tls``,
    ``--ca-file``/``--ca-key-file`` in a private temporary directory are added.  :meth:`restart` brings
    the server back on the same port with the same CA (data is re-seeded; tokens stay valid, as JWTs do).
    """

    def __init__(self, *cli_args: str, tls: bool = True, startup_timeout: float = 90.0, python: str | None = None,
                 cwd: str = REPO_ROOT, env: dict[str, str] | None = None) -> None:
        self.cli_args = [str(arg) for arg in cli_args]
        self.tls = tls
        self.startup_timeout = startup_timeout
        self.python = python or sys.executable
        self.cwd = cwd
        self.env = env
        self._tmpdir: str | None = None
        self._proc: subprocess.Popen[str] | None = None
        self._stderr: Any = None
        self._url: str | None = None
        self._port = 0
        self._ssl: ssl.SSLContext | None = None
        self._admin_token: str | None = None

    # ------------------------------------------------------------------------------------------ lifecycle

    @property
    def url(self) -> str:
        """Base URL such as ``https://127.0.0.1:43211`` (no trailing slash)."""
        if self._url is None:
            raise SimulatorError("simulator is not running")
        return self._url

    @property
    def port(self) -> int:
        """The TCP port (stable across :meth:`restart`)."""
        return self._port

    @property
    def ca_file(self) -> str | None:
        """PEM file of the CA that signed the server certificate (None with ``tls=False``)."""
        if not self.tls or self._tmpdir is None:
            return None
        return os.path.join(self._tmpdir, "ca.pem")

    @property
    def pid(self) -> int | None:
        """Process id of the running simulator."""
        return self._proc.pid if self._proc else None

    def is_running(self) -> bool:
        """True while the child process is alive."""
        return self._proc is not None and self._proc.poll() is None

    def command(self) -> list[str]:
        """The command line :meth:`start` runs."""
        cmd = [self.python, "-m", "simulator", "--port", str(self._port)]
        if self.tls:
            assert self._tmpdir is not None
            cmd += ["--ca-file", os.path.join(self._tmpdir, "ca.pem"), "--ca-key-file", os.path.join(self._tmpdir, "ca-key.pem")]
        else:
            cmd.append("--no-tls")
        return cmd + self.cli_args

    def start(self) -> "SimulatorProcess":
        """Spawn the simulator and wait for its ``listening on`` line; raises with its stderr if it dies."""
        if self.is_running():
            return self
        if self._tmpdir is None:
            self._tmpdir = tempfile.mkdtemp(prefix="xprotect-sim-")
        self._stderr = tempfile.TemporaryFile(mode="w+", dir=self._tmpdir)  # pylint: disable=consider-using-with
        env = dict(os.environ if self.env is None else self.env)
        env.setdefault("PYTHONUNBUFFERED", "1")
        self._proc = subprocess.Popen(  # pylint: disable=consider-using-with
            self.command(), cwd=self.cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=self._stderr, text=True)
        lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._pump, args=(self._proc, lines), daemon=True).start()
        deadline = time.monotonic() + self.startup_timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self._kill()
                stderr = self._read_stderr()
                self.stop(keep_files=bool(self._port))  # a failed restart keeps its port and CA for the next try
                raise SimulatorError(f"simulator did not start within {self.startup_timeout} s:\n{stderr}")
            try:
                line = lines.get(timeout=min(remaining, 0.5))
            except queue.Empty:
                continue
            if line is None:
                code = self._proc.wait(timeout=5)
                stderr = self._read_stderr()
                self.stop(keep_files=bool(self._port))  # a failed restart keeps its port and CA for the next try
                raise SimulatorError(f"simulator exited with status {code} before it was ready:\n{stderr}")
            if line.startswith(READY_PREFIX):
                self._url = line[len(READY_PREFIX):].strip()
                self._port = int(urllib.parse.urlsplit(self._url).port or 0)
                self._ssl = ssl.create_default_context(cafile=self.ca_file) if self.tls else None
                return self

    @staticmethod
    def _pump(proc: subprocess.Popen[str], lines: "queue.Queue[str | None]") -> None:
        """Read the child's stdout (so it never blocks on a full pipe) and hand lines over."""
        assert proc.stdout is not None
        try:
            for line in proc.stdout:
                lines.put(line)
        except (OSError, ValueError):  # stop() closed the pipe while we were reading
            pass
        lines.put(None)

    def _read_stderr(self) -> str:
        if self._stderr is None:
            return ""
        self._stderr.flush()
        self._stderr.seek(0)
        return self._stderr.read()

    def stderr(self) -> str:
        """Everything the simulator wrote to stderr so far."""
        return self._read_stderr()

    def _kill(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait(timeout=10)

    def stop(self, *, keep_files: bool = False) -> int | None:
        """SIGTERM and wait (SIGKILL after 10 s); returns the exit status.  Removes the temporary files unless ``keep_files``."""
        code = None
        if self._proc is not None:
            if self._proc.poll() is None:
                self._proc.send_signal(signal.SIGTERM)
                try:
                    self._proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self._kill()
            code = self._proc.returncode
            if self._proc.stdout is not None:
                self._proc.stdout.close()
            self._proc = None
        self._url = None
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None
        if not keep_files and self._tmpdir is not None:
            shutil.rmtree(self._tmpdir, ignore_errors=True)
            self._tmpdir = None
            self._port = 0
        return code

    def restart(self, down_seconds: float = 0.0) -> "SimulatorProcess":
        """Stop and start again on the same port with the same CA; optionally stay down ``down_seconds`` in between."""
        self.stop(keep_files=True)
        if down_seconds > 0:
            time.sleep(down_seconds)
        for attempt in range(5):
            try:
                return self.start()
            except SimulatorError:
                if attempt == 4:
                    raise
                time.sleep(0.3)  # the port can take a moment to become free again
        return self

    def __enter__(self) -> "SimulatorProcess":
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # ------------------------------------------------------------------------------------------- helpers

    def request(self, method: str, path: str, body: Any = None, *, headers: dict[str, str] | None = None,
                form: dict[str, str] | None = None, timeout: float = 30.0) -> tuple[int, Any]:
        """Any HTTP request to the simulator: ``(status, parsed JSON or text or None)``; never raises for HTTP errors."""
        data = None
        all_headers = dict(headers or {})
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            all_headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        elif body is not None:
            data = json.dumps(body).encode()
            all_headers.setdefault("Content-Type", "application/json")
        req = urllib.request.Request(self.url + path, data=data, method=method, headers=all_headers)
        # No proxies: an HTTPS_PROXY in the environment must not intercept calls to a loopback test server.
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), urllib.request.HTTPSHandler(context=self._ssl))
        try:
            with opener.open(req, timeout=timeout) as response:
                return response.status, _decode(response.read())
        except urllib.error.HTTPError as error:
            with error:
                return error.code, _decode(error.read())

    def _control(self, method: str, path: str, body: Any = None) -> Any:
        status, payload = self.request(method, "/_simulator/" + path, body)
        if status != 200:
            raise SimulatorError(f"{method} /_simulator/{path} failed: {status} {payload}")
        return payload

    def stats(self) -> dict[str, Any]:
        """``GET /_simulator/stats``."""
        return self._control("GET", "stats")

    def requests_log(self, kind: str | None = None) -> list[dict[str, Any]]:
        """``GET /_simulator/requests`` (optionally only ``rest``, ``idp`` or ``discovery`` entries)."""
        return self._control("GET", "requests" + (f"?kind={kind}" if kind else ""))

    def reset(self, **kwargs: Any) -> dict[str, Any]:
        """``POST /_simulator/reset``; ``reset(stats_only=True)`` keeps the data (and tokens)."""
        if not kwargs.get("stats_only"):
            self._admin_token = None  # a full reset invalidates tokens; do not spend a 401 finding out
        return self._control("POST", "reset", kwargs)

    def faults(self, **kwargs: Any) -> dict[str, Any]:
        """``POST /_simulator/faults`` with the given keys (``faults()`` just returns the current state)."""
        if not kwargs:
            return self._control("GET", "faults")
        if kwargs.get("expire_tokens"):
            self._admin_token = None
        return self._control("POST", "faults", kwargs)

    def set_device_presets(self, camera_id: str, presets: list[dict[str, Any]]) -> dict[str, Any]:
        """Replace a PTZ camera's device-side presets (``[{"name", "pan", "tilt", "zoom"}]``)."""
        return self._control("POST", f"cameras/{camera_id}/device_presets", {"presets": presets})

    def device_presets(self, camera_id: str) -> list[dict[str, Any]]:
        """The camera's device-side presets."""
        return self._control("GET", f"cameras/{camera_id}/device_presets")["presets"]

    def token(self, username: str = "admin", password: str = "admin") -> str:
        """Log in through the gateway IDP path and return an access token."""
        status, payload = self.request("POST", "/IDP/connect/token", form={
            "grant_type": "password", "username": username, "password": password, "client_id": "GrantValidatorClient"})
        if status != 200:
            raise SimulatorError(f"login failed: {status} {payload}")
        return payload["access_token"]

    def api(self, method: str, path: str, body: Any = None, *, token: str | None = None) -> tuple[int, Any]:
        """A REST call below ``/api/rest/v1`` (``path`` like ``/cameras?disabled``).

        Without ``token`` it logs in as admin once and reuses that token (logging in again after a 401).
        """
        if token is not None:
            return self.request(method, "/api/rest/v1" + path, body, headers={"Authorization": f"Bearer {token}"})
        for attempt in range(2):
            if self._admin_token is None or attempt:
                self._admin_token = self.token()
            status, payload = self.request(method, "/api/rest/v1" + path, body, headers={"Authorization": f"Bearer {self._admin_token}"})
            if status != 401:
                break
        return status, payload


def _decode(raw: bytes) -> Any:
    if not raw:
        return None
    text = raw.decode("utf-8", "replace")
    try:
        return json.loads(text)
    except ValueError:
        return text
