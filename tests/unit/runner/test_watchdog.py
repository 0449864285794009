"""The deadline watchdog: a session is cut at its deadline, or when its pass is cancelled."""

from __future__ import annotations

import socket
import time

from confvault.runner.tasks import DeadlineWatchdog


def test_watchdog_cuts_a_session_at_its_deadline_only() -> None:
    watchdog = DeadlineWatchdog()
    late, late_peer = socket.socketpair()
    early, early_peer = socket.socketpair()
    try:
        cut = watchdog.watch(late, time.monotonic() + 0.2)
        spared = watchdog.watch(early, time.monotonic() + 0.3)
        watchdog.release(spared)  # this device finished in time
        late.settimeout(5)
        began = time.monotonic()
        assert late.recv(1) == b""  # the blocked reader is released by the cut
        # not before its deadline; a cut that never comes fails on the 5 s socket timeout
        assert time.monotonic() - began > 0.15
        time.sleep(0.3)
        assert cut.expired
        assert not spared.expired
        early_peer.sendall(b"ok")
        assert early.recv(2) == b"ok"
    finally:
        for s in (late, late_peer, early, early_peer):
            s.close()


def test_cut_all_ends_every_session_in_progress() -> None:
    watchdog = DeadlineWatchdog()
    pairs = [socket.socketpair() for _ in range(3)]
    try:
        entries = [watchdog.watch(a, time.monotonic() + 60) for a, _ in pairs]
        watchdog.cut_all()
        assert all(e.expired for e in entries)
        for a, _ in pairs:
            a.settimeout(2)
            assert a.recv(1) == b""
    finally:
        for a, b in pairs:
            a.close()
            b.close()


def test_cut_all_of_one_pass_spares_the_sessions_of_another() -> None:
    watchdog = DeadlineWatchdog()
    mine, other = object(), object()
    pairs = [socket.socketpair() for _ in range(2)]
    try:
        cut = watchdog.watch(pairs[0][0], time.monotonic() + 60, mine)
        spared = watchdog.watch(pairs[1][0], time.monotonic() + 60, other)
        watchdog.cut_all(mine)
        assert cut.expired
        assert not spared.expired
        pairs[0][0].settimeout(2)
        assert pairs[0][0].recv(1) == b""
        pairs[1][1].sendall(b"ok")
        assert pairs[1][0].recv(2) == b"ok"
    finally:
        for a, b in pairs:
            a.close()
            b.close()
