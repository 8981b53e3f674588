# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test runs only: keep the code that zipimport compiles from a module's AnsiballZ payload, for the next run.

A module runs from a zip of its Python sources, and zipimport keeps no bytecode: every module run of a test playbook
compiled ansible-core's ``module_utils`` and the collection's own again, about a third of its CPU. The integration
harness puts this directory on ``PYTHONPATH`` of the playbooks it runs (tests/integration/harness.py), with
``XPROTECT_ZIP_CODE_CACHE`` naming a folder; each compiled file is kept there under the hash of its source and its path
inside the zip, so an edited file is compiled afresh. What the module does is unchanged: only where its code objects
come from. The bench does not use it (its figures are what a user's run costs).
"""

import os

_CACHE = os.environ.get('XPROTECT_ZIP_CODE_CACHE')
if _CACHE:
    import hashlib
    import marshal
    import sys
    import zipimport

    _COMPILE = zipimport._compile_source  # pylint: disable=protected-access
    _TAG = sys.implementation.cache_tag
    _SEPARATOR = '.zip' + os.sep

    def _renamed(code, filename):
        """The code object with the file name of this run's payload, so that a traceback names the right file."""
        consts = tuple(_renamed(const, filename) if isinstance(const, type(code)) else const for const in code.co_consts)
        return code.replace(co_filename=filename, co_consts=consts)

    def _compile_source(pathname, source):
        inner = pathname.rsplit(_SEPARATOR, 1)[-1]
        key = hashlib.sha256(source + b'\0' + inner.encode('utf-8', 'surrogateescape')).hexdigest()
        path = os.path.join(_CACHE, f'{key}.{_TAG}')
        try:
            with open(path, 'rb') as handle:
                return _renamed(marshal.loads(handle.read()), pathname)
        except (OSError, ValueError, EOFError, TypeError):
            pass
        code = _COMPILE(pathname, source)
        try:
            os.makedirs(_CACHE, exist_ok=True)
            temporary = f'{path}.{os.getpid()}'
            with open(temporary, 'wb') as handle:
                handle.write(marshal.dumps(code))
            os.replace(temporary, path)
        except OSError:
            pass
        return code

    zipimport._compile_source = _compile_source  # pylint: disable=protected-access
