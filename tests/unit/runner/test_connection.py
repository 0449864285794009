"""The device socket confvault hands to netmiko: TCP_NODELAY, and netmiko-style failures."""

from __future__ import annotations

import socket
from contextlib import closing

import pytest
from netmiko.exceptions import NetmikoTimeoutException

from confvault.runner.connection import open_tcp


def test_device_socket_has_tcp_nodelay() -> None:
    # Without it, each small SSH handshake packet waits for a delayed ACK (~40 ms on loopback).
    with closing(socket.socket()) as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        port = server.getsockname()[1]
        with closing(open_tcp("127.0.0.1", port, 2.0, "cisco_ios")) as sock:
            assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1


def test_refused_connection_reads_like_netmiko_and_names_the_device() -> None:
    with closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # bound, never listening: connections are refused
        with pytest.raises(NetmikoTimeoutException, match="TCP connection to device failed") as err:
            open_tcp("127.0.0.1", port, 2.0, "huawei")
    assert f"127.0.0.1:{port}" in str(err.value)
