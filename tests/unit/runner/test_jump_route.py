"""The way to a device through a jump host: the socket confvault opens (and the watchdog shuts)
is the jump's, with TCP_NODELAY; a dead jump host is unreachable and named."""

from __future__ import annotations

import socket
from contextlib import closing

import pytest

from confvault.models import Device, ErrorClass
from confvault.runner.jump import JumpHostError, Route
from confvault.runner.tasks import classify


def device_behind(jump_port: int) -> Device:
    jump = {"hostname": "127.0.0.1", "port": jump_port, "username": "jump"}
    return Device("r1", "192.0.2.7", "cisco_ios", "acme", connect_options={"jump_host": jump})


def test_the_watched_socket_is_the_jump_hosts_with_tcp_nodelay() -> None:
    with closing(socket.socket()) as jump:
        jump.bind(("127.0.0.1", 0))
        jump.listen(1)
        route = Route.open(device_behind(jump.getsockname()[1]), 2.0)
        try:
            assert route.tcp.getpeername() == jump.getsockname()
            assert route.tcp.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
        finally:
            route.close()


def test_a_dead_jump_host_is_unreachable_naming_it() -> None:
    with closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # bound, never listening
        with pytest.raises(JumpHostError) as caught:
            Route.open(device_behind(port), 2.0)
    error_class, message = classify(caught.value, deadline_passed=False)
    assert error_class is ErrorClass.UNREACHABLE
    assert message.startswith(f"jump host 127.0.0.1:{port} unreachable: ")
