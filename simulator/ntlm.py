"""Windows users: the NTLM handshake of ``grant_type=windows_credentials`` on the IDP's token endpoint (docs/xprotect-api.md §1).

Milestone's samples send that grant straight to the IDP with requests-ntlm (the API Gateway does not pass
NTLM through). NTLM authenticates a *connection*, in three legs that must share one keep-alive connection:

1. the form, no credentials                        -> 401 ``WWW-Authenticate: Negotiate`` and ``WWW-Authenticate: NTLM``
2. ``Authorization: NTLM <NEGOTIATE message>``     -> 401 ``WWW-Authenticate: NTLM <CHALLENGE message>``
3. ``Authorization: NTLM <AUTHENTICATE message>``  -> 200 and a token, or the failure answer

pyspnego is the acceptor: it builds the CHALLENGE and checks the AUTHENTICATE message against the accounts of
the file named by the NTLM_USER_FILE environment variable (``DOMAIN:USER:PASSWORD`` lines), which the
simulator provides for its ``--windows-user`` accounts. The ``Negotiate`` scheme takes a raw NTLM token (what
requests-ntlm sends) or NTLM wrapped in SPNEGO. Over TLS the acceptor also checks the channel binding, the
hash of the server certificate that requests-ntlm sends ("Extended Protection").

This module knows no HTTP framework; ``idp.py`` turns its outcomes into answers.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import dataclasses
import os
import shutil
import tempfile
import time
from typing import Any, Iterable, Iterator

import spnego
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import Encoding
from spnego.channel_bindings import GssChannelBindings

from .config import User

USER_FILE_VARIABLE = "NTLM_USER_FILE"
NTLM_SIGNATURE = b"NTLMSSP\x00"
NTLM_NEGOTIATE, NTLM_AUTHENTICATE = 1, 3
SCHEMES = {"ntlm": "NTLM", "negotiate": "Negotiate"}
#: A handshake left half-way (the client went away after the challenge) is forgotten after this long.
HANDSHAKE_SECONDS = 60.0


def user_file_text(users: Iterable[User]) -> str:
    """NTLM_USER_FILE content: ``DOMAIN:NAME:PASSWORD`` for DOMAIN\\NAME, ``:NAME@DOMAIN:PASSWORD`` for a UPN."""
    lines = []
    for user in users:
        domain, _sep, account = user.name.rpartition("\\") if "\\" in user.name else ("", "", user.name)
        lines.append(f"{domain}:{account}:{user.password}\n")
    return "".join(lines)


@contextlib.contextmanager
def user_file(users: Iterable[User]) -> Iterator[str]:
    """Hold the accounts for pyspnego and point NTLM_USER_FILE at them while the simulator runs.

    The file holds passwords. On Linux it is an anonymous in-memory file (``/proc/self/fd/N``), so nothing
    reaches the disk, even if the simulator is killed; elsewhere it is a file readable by this user only, in a
    private temporary folder removed when the simulator stops. The variable is process-wide, which suits a
    process that serves one simulated IDP. It is set even without Windows users: the acceptor refuses to
    start without it.
    """
    data = user_file_text(users).encode("utf-8")
    previous = os.environ.get(USER_FILE_VARIABLE)
    with contextlib.ExitStack() as cleanup:
        os.environ[USER_FILE_VARIABLE] = path = _hold(data, cleanup)
        cleanup.callback(_restore, previous)
        yield path


def _hold(data: bytes, cleanup: contextlib.ExitStack) -> str:
    """A path that reads as ``data`` until ``cleanup`` runs."""
    if hasattr(os, "memfd_create") and os.path.isdir("/proc/self/fd"):
        descriptor = os.memfd_create("xprotect-sim-ntlm-users")
        cleanup.callback(os.close, descriptor)
        os.write(descriptor, data)
        return f"/proc/self/fd/{descriptor}"
    folder = tempfile.mkdtemp(prefix="xprotect-sim-ntlm-")
    cleanup.callback(shutil.rmtree, folder, True)
    path = os.path.join(folder, "ntlm-users")
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as handle:
        handle.write(data)
    return path


def _restore(previous: str | None) -> None:
    if previous is None:
        os.environ.pop(USER_FILE_VARIABLE, None)
    else:
        os.environ[USER_FILE_VARIABLE] = previous


def channel_bindings(cert_pem: bytes) -> GssChannelBindings:
    """RFC 5929 ``tls-server-end-point``: the certificate hashed with its signature's hash (SHA-256 for MD5/SHA-1)."""
    cert = x509.load_pem_x509_certificate(cert_pem)
    algorithm = cert.signature_hash_algorithm
    if algorithm is None or algorithm.name in ("md5", "sha1"):
        algorithm = hashes.SHA256()
    digest = hashes.Hash(algorithm)
    digest.update(cert.public_bytes(Encoding.DER))
    return GssChannelBindings(application_data=b"tls-server-end-point:" + digest.finalize())


@dataclasses.dataclass
class Outcome:
    """What one leg of the handshake led to: ``challenge`` (answer 401 with ``token``), ``accepted`` or ``refused``."""

    kind: str
    scheme: str = "NTLM"
    token: bytes | None = None
    principal: str = ""
    reason: str = ""


@dataclasses.dataclass
class _Handshake:
    transport: Any  # kept referenced so its id() cannot be reused while the handshake waits
    context: Any
    scheme: str
    started: float


def _ntlm_message_type(token: bytes) -> int | None:
    """1 (NEGOTIATE), 2 (CHALLENGE) or 3 (AUTHENTICATE) for a raw NTLM token; None for anything else (SPNEGO)."""
    if not token.startswith(NTLM_SIGNATURE) or len(token) < 12:
        return None
    return int.from_bytes(token[8:12], "little")


def parse_authorization(header: str) -> tuple[str, bytes] | None:
    """``NTLM <base64>`` or ``Negotiate <base64>`` -> (scheme as the server spells it, token); None otherwise."""
    scheme, _sep, value = header.strip().partition(" ")
    canonical = SCHEMES.get(scheme.lower())
    if canonical is None or not value.strip():
        return None
    try:
        return canonical, base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError):
        return None


class WindowsAuth:
    """The NTLM acceptor side of the IDP: one pending handshake per client connection."""

    def __init__(self, bindings: GssChannelBindings | None = None) -> None:
        self.bindings = bindings
        self._pending: dict[int, _Handshake] = {}

    def reset(self) -> None:
        """Forget half-done handshakes (``POST /_simulator/reset``)."""
        self._pending.clear()

    def step(self, transport: Any, scheme: str, token: bytes) -> Outcome:
        """Feed one leg's token, received on ``transport`` (the client's connection)."""
        self._forget_stale()
        handshake = self._pending.pop(id(transport), None)
        message_type = _ntlm_message_type(token)
        if handshake is None or handshake.scheme != scheme or message_type == NTLM_NEGOTIATE:
            if message_type == NTLM_AUTHENTICATE:
                return Outcome("refused", scheme, reason="AUTHENTICATE message on a connection that was not challenged "
                                                         "(the client did not keep the connection open between the legs)")
            handshake = _Handshake(transport, self._acceptor(scheme), scheme, time.monotonic())
        try:
            reply = handshake.context.step(token)
        except Exception as error:  # pylint: disable=broad-exception-caught
            # Whatever a wrong password, an unknown account or a malformed token makes pyspnego raise is a refused
            # login, as on a real server; its messages name no secret.
            return Outcome("refused", scheme, reason=f"{type(error).__name__}: {error}")
        if not handshake.context.complete:
            self._pending[id(transport)] = handshake
            return Outcome("challenge", scheme, token=reply)
        return Outcome("accepted", scheme, token=reply, principal=str(handshake.context.client_principal or ""))

    def _acceptor(self, scheme: str) -> Any:
        """pyspnego's pure-Python acceptor, never a system GSSAPI/SSPI one, so every machine behaves alike."""
        if scheme == "NTLM":
            return spnego.server(protocol="ntlm", options=spnego.NegotiateOptions.use_ntlm, channel_bindings=self.bindings)
        return spnego.server(protocol="negotiate", options=spnego.NegotiateOptions.use_negotiate, channel_bindings=self.bindings)

    def _forget_stale(self) -> None:
        now = time.monotonic()
        for key, handshake in list(self._pending.items()):
            if handshake.transport.is_closing() or now - handshake.started > HANDSHAKE_SECONDS:
                del self._pending[key]
