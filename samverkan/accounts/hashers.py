"""Password hashing in the sign-in lane.

Checking a password costs Django's PBKDF2 work factor on purpose: about half
a second of one core. On the morning a follow-up is due, a city's people sign
in within minutes, and those hashes alone would take the cores from the pages
everyone already signed in is reading. So each web process hashes in a lane
of its own: one thread at a low CPU priority (nice 10: against a page view's
thread it weighs a tenth), so that the operating system gives the cores to
page views first, yet sign-ins still move when pages keep every core busy
(at nice 19 a busy morning would starve them). A burst of sign-ins queues in
the lane and takes longer; the pages keep their pace. hashlib releases the
interpreter lock while it hashes, so the process's other threads go on
serving (deploy/gunicorn.conf.py runs threaded workers).

The hash itself is Django's, unchanged: same algorithm name, iterations and
stored format, so hashes move freely between this hasher and Django's.
Single sign-on (OIDC) checks no password and never enters the lane.

A process holds at most SAMVERKAN_SIGN_IN_WAITING sign-ins in its lane (by
default one fewer than its threads, so one thread always serves pages);
another sign-in then is told at once to try again in a few seconds
(LaneFull) rather than holding the last thread."""

import os
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.conf import settings
from django.contrib.auth import hashers

NICENESS = 10  # CPU weight 110 against a page view's 1024 (nice 0): Linux's CFS weights


class LaneFull(Exception):
    """This process already has as many sign-ins waiting as it may hold."""


class Lane:
    """Work handed to one low-priority thread of this process, in turn."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.waiting = 0  # handed in and not yet done, in this process
        self.done = 0
        self._lock = threading.Lock()
        self._executor: ThreadPoolExecutor | None = None
        self._pid = 0

    def run(self, work: Callable[..., Any], *args: Any, limit: int | None = None) -> Any:
        with self._lock:
            if limit is not None and self.waiting >= limit:
                raise LaneFull(self.name)
            if self._executor is None or self._pid != os.getpid():
                # Threads do not survive a fork: each web worker starts its own lane.
                self._executor = ThreadPoolExecutor(1, self.name, initializer=_lower_priority)
                self._pid = os.getpid()
            executor = self._executor
            self.waiting += 1
        try:
            return executor.submit(work, *args).result()
        finally:
            with self._lock:
                self.waiting -= 1
                self.done += 1


def _lower_priority() -> None:
    # On Linux a thread has a priority of its own, set through its thread id; elsewhere
    # the id would name a process, so the lane keeps the process's priority there.
    if sys.platform == "linux":
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), NICENESS)


sign_in_lane = Lane("sign-in")


class PBKDF2PasswordHasher(hashers.PBKDF2PasswordHasher):
    """Django's PBKDF2-SHA256 at Django's iterations, computed in the sign-in lane."""

    def encode(self, password: str, salt: str, iterations: int | None = None) -> str:
        return sign_in_lane.run(
            super().encode, password, salt, iterations, limit=settings.SAMVERKAN_SIGN_IN_WAITING
        )
