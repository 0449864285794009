"""The kill -9 test seam: the one place that reads the crash hook from the environment.

The process-fault tests start a real ``confvault run`` with ``CONFVAULT_TEST_CRASH_AT=<point>``;
the code under test names its points (``CRASH_HOOK.point("after-update-ref")``) and dies there
with SIGKILL, as a power cut would. Unset, every point is a no-op.
"""

from __future__ import annotations

import os
import signal

CRASH_HOOK_ENV = "CONFVAULT_TEST_CRASH_AT"


class CrashHook:
    """Names the points where a test may kill the process; read from the environment per call
    (a test may set the variable after import)."""

    def __init__(self, variable: str = CRASH_HOOK_ENV) -> None:
        self._variable = variable

    def point(self, name: str) -> None:
        """Die abruptly here if the hook names this point."""
        if os.environ.get(self._variable) == name:
            os.kill(os.getpid(), signal.SIGKILL)


CRASH_HOOK = CrashHook()
