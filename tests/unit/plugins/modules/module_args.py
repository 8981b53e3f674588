# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Running a module's ``main()`` in-process: ``patch_module_args`` on every supported ansible-core."""

from __future__ import annotations

import contextlib
import json
import typing as t
from unittest import mock

from ansible.module_utils import basic

try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core before 2.19
    @contextlib.contextmanager
    def patch_module_args(args: dict[str, t.Any] | None = None) -> t.Iterator[None]:
        """Expose ``args`` to AnsibleModule as older ansible-core reads them."""
        serialized = json.dumps({'ANSIBLE_MODULE_ARGS': args or {}}).encode()
        with mock.patch.object(basic, '_ANSIBLE_ARGS', serialized):
            yield

__all__ = ['argument_spec_of', 'patch_module_args']


def argument_spec_of(main: t.Callable[[], None], args: dict[str, t.Any]) -> dict[str, t.Any]:
    """The ``argument_spec`` a module's ``main()`` builds its AnsibleModule with (the module stops right there)."""
    with patch_module_args(args):
        with mock.patch.object(basic.AnsibleModule, '__init__', autospec=True, side_effect=SystemExit) as init:
            try:
                main()
            except SystemExit:
                pass
    return init.call_args.kwargs['argument_spec']
