"""TLS for the simulator: a throw-away CA from trustme and a server certificate for the loopback names.

Real XProtect installations commonly use a private CA (docs/xprotect-api.md §0), so clients must be able to verify
with a CA file: ``--ca-file`` writes the CA certificate.  ``--ca-key-file`` also keeps the CA key so a
restarted simulator can reuse the same CA (a real server keeps its certificate across restarts).
``--tls-cert expired|wrong-host`` makes the server certificate one that clients must refuse.
"""

from __future__ import annotations

import datetime
import os
import ssl
import tempfile

import trustme

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
#: The only name of the ``--tls-cert wrong-host`` certificate (.invalid never resolves: RFC 2606).
WRONG_HOST = "xprotect.invalid"
WILDCARD_HOSTS = {"", "0.0.0.0", "::"}


def _write_atomic(path: str, data: bytes, private: bool = False) -> None:
    """Write via a temporary file + rename so a reader never sees half a PEM."""
    directory = os.path.dirname(os.path.abspath(path))
    handle, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        if private:
            os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def load_or_create_ca(ca_file: str | None, ca_key_file: str | None) -> trustme.CA:
    """Reuse the CA in ``ca_file`` + ``ca_key_file`` if both exist, else make a new one."""
    if ca_file and ca_key_file and os.path.exists(ca_file) and os.path.exists(ca_key_file):
        with open(ca_file, "rb") as cert, open(ca_key_file, "rb") as key:
            return trustme.CA.from_pem(cert.read(), key.read())
    return trustme.CA(organization_name="XProtect simulator")


def server_context(host: str, ca_file: str | None, ca_key_file: str | None, cert_kind: str = "valid") -> tuple[ssl.SSLContext, bytes]:
    """An SSL server context whose certificate covers 127.0.0.1, localhost, ::1 and ``host``, and that certificate
    (PEM; NTLM's channel binding is its hash)."""
    ca = load_or_create_ca(ca_file, ca_key_file)
    names = list(LOOPBACK_NAMES)
    if host not in WILDCARD_HOSTS and host not in names:
        names.append(host)
    cert = _issue(ca, names, cert_kind)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(context)
    if ca_file:
        _write_atomic(ca_file, ca.cert_pem.bytes())
    if ca_key_file:
        _write_atomic(ca_key_file, ca.private_key_pem.bytes(), private=True)
    return context, cert.cert_chain_pems[0].bytes()


def _issue(ca: trustme.CA, names: list[str], cert_kind: str) -> trustme.LeafCert:
    """The server certificate: valid for ``names``, expired (validity ended yesterday) or for another host only."""
    if cert_kind == "wrong-host":
        return ca.issue_cert(WRONG_HOST, common_name=WRONG_HOST)
    if cert_kind == "expired":
        now = datetime.datetime.now(datetime.timezone.utc)
        return ca.issue_cert(*names, common_name="xprotect-simulator", not_before=now - datetime.timedelta(days=30),
                             not_after=now - datetime.timedelta(days=1))
    return ca.issue_cert(*names, common_name="xprotect-simulator")
