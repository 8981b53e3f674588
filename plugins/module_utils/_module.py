# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one module base: connection options, the client, check mode, errors and redaction, decided once.

It owns the connection options (one argument spec, documented once in the ``connection`` doc fragment) and
builds the client from them. Every module hands its work to ``run``::

    def main():
        XProtectModule(argument_spec=SPEC, supports_check_mode=True).run(job)

where ``job(module)`` returns the result. ``run`` decides the rest for every module alike:

* check mode: the client is built read-only, so a write can never be sent (it would raise before sending);
* errors: an ``XProtectError`` becomes ``fail_json`` with its sentence as ``msg``, the partial result the
  error carries (``error.result``), and the one rule for ``changed``: a failed run reports ``changed`` when
  its result says so, or when the failed request was a write that may have been carried out (its answer
  was lost, or came back unreadable after a success status); a token request or a read never does;
* redaction: the password, tokens and every registered secret are masked in ``msg``, warnings and the
  result (the inventory plugin uses the same ``Redactor``).
"""

from __future__ import annotations

import contextlib
import os
import typing as t

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib

from ._client import (
    HAS_REQUESTS,
    NTLM_PACKAGE_ADVICE,
    REQUESTS_IMPORT_ERROR,
    ConnectionSettings,
    Redactor,
    XProtectClient,
    ntlm_import_error,
)
from ._errors import UnexpectedResponseError, XProtectError

MAY_HAVE_WRITTEN = ' The request may have taken effect although its answer was lost; run the task again to converge.'
WROTE_UNREADABLE = (' The server carried out the write but its answer could not be read; run the task again to see the '
                    'result (it finds the object and converges).')


def connection_argument_spec() -> dict[str, dict[str, t.Any]]:
    """The connection options every module and the inventory plugin share."""
    return dict(
        server_url=dict(type='str', fallback=(env_fallback, ['XPROTECT_SERVER_URL'])),
        username=dict(type='str', fallback=(env_fallback, ['XPROTECT_USERNAME'])),
        password=dict(type='str', no_log=True, fallback=(env_fallback, ['XPROTECT_PASSWORD'])),
        auth_type=dict(type='str', choices=['basic', 'windows'], default='basic', fallback=(env_fallback, ['XPROTECT_AUTH_TYPE'])),
        validate_certs=dict(type='bool', default=True, fallback=(env_fallback, ['XPROTECT_VALIDATE_CERTS'])),
        ca_path=dict(type='path', fallback=(env_fallback, ['XPROTECT_CA_PATH'])),
        timeout=dict(type='float', default=30, fallback=(env_fallback, ['XPROTECT_TIMEOUT'])),
        retries=dict(type='int', default=3, fallback=(env_fallback, ['XPROTECT_RETRIES'])),
        access_token=dict(type='str', no_log=True, fallback=(env_fallback, ['XPROTECT_ACCESS_TOKEN'])),
        api_discovery=dict(type='bool', default=False, fallback=(env_fallback, ['XPROTECT_API_DISCOVERY'])),
    )


CONNECTION_OPTIONS = tuple(connection_argument_spec())


def settings_from_params(params: t.Mapping[str, t.Any], **extra: t.Any) -> ConnectionSettings:
    """Connection settings from (module or plugin) option values."""
    return ConnectionSettings(
        server_url=params.get('server_url') or '',
        username=params.get('username'),
        password=params.get('password'),
        auth_type=params.get('auth_type') or 'basic',
        validate_certs=params.get('validate_certs', True) is not False,
        ca_path=params.get('ca_path'),
        # 0 is kept (and refused by ConnectionSettings.check): only a missing value means the default
        timeout=float(params['timeout']) if params.get('timeout') is not None else 30.0,
        retries=int(params['retries']) if params.get('retries') is not None else 3,
        access_token=params.get('access_token'),
        api_discovery=bool(params.get('api_discovery')),
        **extra,
    )


#: Keys of dictionaries inside options (``items``, ``properties``) whose values are secrets, matched at the end, ignoring
#: case: ``password``, ``primaryPassword``, ``clientSecret``.
SECRET_KEY_ENDINGS = ('password', 'secret')


def early_secrets(argument_spec: t.Mapping[str, t.Any], params: t.Mapping[str, t.Any]) -> set[str]:
    """The secrets in the raw arguments, found before ansible-core validates them.

    ansible-core masks what it knows as ``no_log`` in every result, the failure of its own validation included, but it
    knows nothing of a password inside a list of dictionaries without suboptions (a hardware item), and it forgets
    every ``no_log`` value when a dictionary option with suboptions is given something that is not one. Found here
    first, they are masked in either case.
    """
    found: set[str] = set()

    def nested(value: t.Any, secret: bool) -> None:
        if isinstance(value, str):
            if secret and len(value) >= 3:
                found.add(value)
        elif isinstance(value, dict):
            for key, item in value.items():
                nested(item, secret or str(key).lower().endswith(SECRET_KEY_ENDINGS))
        elif isinstance(value, (list, tuple)):
            for item in value:
                nested(item, secret)

    for name, option in argument_spec.items():
        value = params.get(name)
        if option.get('no_log'):
            nested(value, True)
            fallback = option.get('fallback')
            # the environment is read only when the option is left out: a variable that is set but not used (the
            # simulator's password while a task gives another) is no secret of this run
            if value is None and isinstance(fallback, tuple) and len(fallback) == 2 and fallback[0] is env_fallback:
                for variable in fallback[1]:
                    nested(os.environ.get(variable), True)
        else:
            nested(value, False)
    return found


class XProtectModule(AnsibleModule):
    """An AnsibleModule with the XProtect connection options, a lazily built API client, and ``run``."""

    def __init__(self, argument_spec: dict[str, t.Any] | None = None, pool_size: int = 10, **kwargs: t.Any) -> None:
        spec = connection_argument_spec()
        spec.update(argument_spec or {})
        super().__init__(argument_spec=spec, **kwargs)
        self._client: XProtectClient | None = None
        self._pool_size = pool_size
        self.redactor = Redactor()
        for name, option in spec.items():
            if option.get('no_log'):
                self.redactor.add(self.params.get(name))
        for secret in self.no_log_values:
            self.redactor.add(secret)

    def _load_params(self) -> None:
        super()._load_params()
        self.no_log_values.update(early_secrets(self.argument_spec, self.params))

    @property
    def client(self) -> XProtectClient:
        """The API client, created on first use (nothing is sent until a request is made); read-only in check mode."""
        if self._client is None:
            if not HAS_REQUESTS:
                self.fail_json(msg=missing_required_lib('requests'), exception=str(REQUESTS_IMPORT_ERROR))
            self._require_ntlm()
            try:
                self._client = XProtectClient(settings_from_params(self.params, pool_size=self._pool_size), redactor=self.redactor,
                                              read_only=self.check_mode)
            except XProtectError as error:
                self.fail_from_error(error)
            for warning in self._client.warnings:
                self.warn(warning)
        return self._client

    def _require_ntlm(self) -> None:
        """Windows users log in with NTLM: fail with Ansible's missing-library message when requests-ntlm is absent."""
        if self.params.get('auth_type') != 'windows' or not self.params.get('username'):
            return
        error = ntlm_import_error()
        if error is not None:
            reason = f'to log in Windows users (auth_type=windows); install it with: {NTLM_PACKAGE_ADVICE}'
            self.fail_json(msg=missing_required_lib('requests-ntlm', reason=reason), exception=str(error))

    def add_secret(self, value: t.Any) -> None:
        """A secret found in a non-secret option (a write-only field in properties): masked everywhere, invocation included."""
        if isinstance(value, str) and len(value) >= 3:
            self.redactor.add(value)
            self.no_log_values.add(value)

    def redact(self, text: str) -> str:
        # AnsibleModule warns from its own __init__ (an option that looks like a password without no_log), before
        # this class has set its attributes
        client = getattr(self, '_client', None)
        if client is not None:
            return client.redact(text)
        redactor = getattr(self, 'redactor', None)
        return redactor.text(text) if redactor is not None else text

    def warn(self, warning: str) -> None:
        super().warn(self.redact(warning))

    def run(self, job: t.Callable[['XProtectModule'], dict[str, t.Any]], *, redact_result: bool = True) -> t.NoReturn:
        """Run ``job(self)`` and end the module with its result, or with the failure (module docstring).

        ``redact_result=False`` is for the login module alone, whose result is the token (its action plugin hides it).
        """
        try:
            result = job(self)
        except XProtectError as error:
            self.fail_from_error(error, **getattr(error, 'result', {}))
        self.exit_json(**(self.redactor.data(result) if redact_result else result))

    @contextlib.contextmanager
    def api(self, **partial_result: t.Any) -> t.Iterator[None]:
        """Run API calls; a client error ends the module with ``fail_json`` and ``partial_result``."""
        try:
            yield
        except XProtectError as error:
            self.fail_from_error(error, **partial_result)

    def fail_from_error(self, error: XProtectError, **result: t.Any) -> t.NoReturn:
        message = self.redact(str(error))
        changed = bool(result.get('changed'))
        if error.write and error.status is not None and 200 <= error.status < 300:
            message += WROTE_UNREADABLE if isinstance(error, UnexpectedResponseError) else MAY_HAVE_WRITTEN
            changed = True
        elif error.write and error.ambiguous:
            # A write whose answer was lost may have been carried out: do not claim nothing changed.
            message += MAY_HAVE_WRITTEN
            changed = True
        result['changed'] = changed
        result.setdefault('error', error.to_dict())
        self.fail_json(msg=message, **self.redactor.data(result))
