# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of milestone.xprotect.login: hides the successful result, which holds a bearer token."""

from __future__ import annotations

from ansible.plugins.action import ActionBase


class ActionModule(ActionBase):
    """Run the login module; mark a successful result no_log so no callback prints the token."""

    _supports_check_mode = True
    _supports_async = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        result.update(self._execute_module(module_name='milestone.xprotect.login', module_args=self._task.args,
                                           task_vars=task_vars))
        if not result.get('failed'):
            # Failures stay visible (their message never contains the token or the password).
            result['_ansible_no_log'] = True
        return result
