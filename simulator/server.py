"""Start the HTTP(S) server, announce ``listening on <URL>`` and stop cleanly on SIGTERM/SIGINT."""

from __future__ import annotations

import asyncio
import errno
import logging
import signal
import socket
import sys

from aiohttp import web

from . import ntlm
from .app import create_app
from .config import SimConfig
from .state import WILDCARD_HOSTS, SimState
from .tls import server_context

LOG = logging.getLogger("simulator")


def _bind(host: str, port: int) -> socket.socket:
    """Bind one listening socket ourselves: with port 0 and a name such as ``localhost`` aiohttp would
    bind one socket per address, each on a different port."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    return socket.create_server((host, port), family=family, backlog=512)


def _bind_failure(host: str, port: int, error: OSError) -> str:
    """One line saying why the simulator cannot listen, and what to do about it."""
    where = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    # socket.create_server re-raises as OSError with "(while attempting to bind on address ...)" appended.
    reason = (error.strerror or str(error)).split(" (while attempting")[0].lower()
    if error.errno == errno.EADDRINUSE:
        return (f"python -m simulator: cannot listen on {where}: the port is already in use; choose another --port, "
                "or --port 0 to take a free one (the simulator prints the URL it listens on)")
    if error.errno == errno.EACCES:
        return f"python -m simulator: cannot listen on {where}: {reason} (ports below 1024 need privileges); use --port 0 for a free one"
    if isinstance(error, socket.gaierror) or (error.errno or 0) < 0:  # getaddrinfo errors have negative numbers
        return f"python -m simulator: cannot listen on {where}: unknown host ({reason}); check --host"
    return f"python -m simulator: cannot listen on {where}: {reason}; check --host and --port"


def _url_host(host: str, family: int) -> str:
    if host in WILDCARD_HOSTS:
        return "[::1]" if family == socket.AF_INET6 else "127.0.0.1"
    return f"[{host}]" if ":" in host else host


async def serve(config: SimConfig, sock: socket.socket) -> None:
    """Serve on the bound ``sock`` until SIGTERM or SIGINT."""
    ssl_context, cert_pem = server_context(config.host, config.ca_file, config.ca_key_file, config.tls_cert) if config.tls else (None, None)
    bindings = ntlm.channel_bindings(cert_pem) if cert_pem and config.ntlm_channel_binding == "required" else None
    state = SimState(config, ntlm_bindings=bindings)
    runner = web.AppRunner(create_app(state), access_log=None, handle_signals=False, shutdown_timeout=1.0)
    await runner.setup()
    site = web.SockSite(runner, sock, ssl_context=ssl_context)
    await site.start()
    port = sock.getsockname()[1]
    state.base_url = f"{'https' if config.tls else 'http'}://{_url_host(config.host, sock.family)}:{port}"

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    sys.stdout.write(f"listening on {state.base_url}\n")
    sys.stdout.flush()
    try:
        await stop.wait()
    finally:
        LOG.info("shutting down")
        await runner.cleanup()


def run(config: SimConfig) -> int:
    """Blocking entry point; returns the process exit code (2 when the address cannot be bound)."""
    logging.basicConfig(level=logging.INFO if config.verbose else logging.WARNING, stream=sys.stderr,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    # Bound before anything else starts (certificates, the event loop): a taken port is a usage error, not a crash.
    try:
        sock = _bind(config.host, config.port)
    except OSError as error:
        sys.stderr.write(_bind_failure(config.host, config.port, error) + "\n")
        return 2
    with ntlm.user_file(config.windows_users):
        asyncio.run(serve(config, sock))
    return 0
