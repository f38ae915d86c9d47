"""A worker process that ends when the process that started it is gone.

Killed outright (SIGKILL, the OOM killer), a parent cannot stop its workers, and
they would otherwise keep running blocks nobody collects. On Linux the kernel
sends the worker SIGKILL when its parent dies (`PR_SET_PDEATHSIG`); everywhere, a
daemon thread also notices the parent's id change (the orphan is adopted by
another process) within `POLL_SECONDS` and ends the worker.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import signal
import sys
import threading
import time

POLL_SECONDS = 0.5
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def watch_parent() -> None:
    """End this process as soon as its parent is gone (call it first thing in a worker)."""
    parent = os.getppid()
    if sys.platform.startswith("linux"):
        _death_signal()
    if os.getppid() != parent:  # orphaned while the death signal was being set
        os._exit(1)
    thread = threading.Thread(target=_poll, args=(parent,), name="parent-watch", daemon=True)
    thread.start()


def _death_signal() -> None:
    """Ask the kernel for SIGKILL when the parent dies (best effort: libc may be absent)."""
    with contextlib.suppress(OSError, AttributeError, TypeError):
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def _poll(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(POLL_SECONDS)
    os._exit(1)  # no cleanup: the parent that would collect anything is gone
