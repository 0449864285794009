"""classify(): each way a device session fails -> the error class and the one line users see."""

from __future__ import annotations

import pytest
from netmiko.exceptions import (
    NetmikoAuthenticationException,
    NetmikoTimeoutException,
    ReadException,
    ReadTimeout,
)
from paramiko.ecdsakey import ECDSAKey
from paramiko.ssh_exception import (
    AuthenticationException,
    BadHostKeyException,
    IncompatiblePeer,
    SSHException,
)

from confvault.models import ErrorClass
from confvault.platforms import OutputRejected
from confvault.runner.hostkeys import fingerprint
from confvault.runner.tasks import classify

AUTH_LINE = "authentication failed (username, password or enable secret)"
NETMIKO_ESSAY = "TCP connection to device failed.\n\nCommon causes of this problem are:\n1. ..."

CASES = [
    # (id, exception, deadline passed, error class, message)
    (
        "refused-output",
        OutputRejected(ErrorClass.INCOMPLETE, "show run output is empty"),
        False,
        ErrorClass.INCOMPLETE,
        "show run output is empty",
    ),
    ("netmiko-auth", NetmikoAuthenticationException("x"), False, ErrorClass.AUTH, AUTH_LINE),
    ("paramiko-auth", AuthenticationException("x"), True, ErrorClass.AUTH, AUTH_LINE),
    (
        "refused",
        ConnectionRefusedError("[Errno 111] Connection refused"),
        False,
        ErrorClass.UNREACHABLE,
        "[Errno 111] Connection refused",
    ),
    (
        "unreachable-hint",
        NetmikoTimeoutException(NETMIKO_ESSAY),
        False,
        ErrorClass.UNREACHABLE,
        "TCP connection to device failed.",
    ),
    (
        "dns",
        NetmikoTimeoutException("DNS failure--the hostname you provided was not resolvable"),
        True,
        ErrorClass.UNREACHABLE,
        "DNS failure--the hostname you provided was not resolvable",
    ),
    (
        "deadline",
        OSError("Socket is closed"),
        True,
        ErrorClass.TIMEOUT,
        "device did not finish within its deadline",
    ),
    (
        "read-timeout",
        ReadTimeout("no prompt after 'show run' from the device within the read timeout"),
        False,
        ErrorClass.TIMEOUT,
        "no prompt after 'show run' from the device within the read timeout",
    ),
    (
        "login-timeout",
        NetmikoTimeoutException("Timed-out reading channel, data not available."),
        False,
        ErrorClass.TIMEOUT,
        "Timed-out reading channel, data not available.",
    ),
    ("socket-timeout", TimeoutError("timed out"), False, ErrorClass.TIMEOUT, "timed out"),
    (
        "closed-mid-output",
        ReadException("Channel stream closed by remote device."),
        False,
        ErrorClass.DISCONNECTED,
        "the device closed the session before the output ended",
    ),
    (
        "ssh-dropped",
        SSHException("SSH session not active"),
        False,
        ErrorClass.DISCONNECTED,
        "SSH session not active",
    ),
    ("eof-no-text", EOFError(), False, ErrorClass.DISCONNECTED, "EOFError"),
    (
        "disconnect-hint",
        RuntimeError("Connection reset by peer"),
        False,
        ErrorClass.DISCONNECTED,
        "Connection reset by peer",
    ),
    (
        "no-prompt-pattern",
        ValueError("Pattern not detected: 'R1#' in output."),
        False,
        ErrorClass.REJECTED,
        "Pattern not detected: 'R1#' in output.",
    ),
    (
        "bug",
        KeyError("platform"),
        False,
        ErrorClass.INTERNAL,
        "KeyError: 'platform'",
    ),
]


@pytest.mark.parametrize(
    ("error", "deadline_passed", "error_class", "message"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_classify(
    error: BaseException, deadline_passed: bool, error_class: ErrorClass, message: str
) -> None:
    assert classify(error, deadline_passed=deadline_passed) == (error_class, message)


def test_only_the_failures_worth_another_round_are_transient() -> None:
    transient = {case[3] for case in CASES if case[3].transient}
    assert transient == {ErrorClass.TIMEOUT, ErrorClass.UNREACHABLE, ErrorClass.DISCONNECTED}


def test_a_changed_host_key_names_both_fingerprints_and_the_way_to_accept_it() -> None:
    known, presented = ECDSAKey.generate(), ECDSAKey.generate()
    error = BadHostKeyException("[127.0.0.1]:2201", presented, known)
    error_class, message = classify(error, deadline_passed=False, device="r1")
    assert error_class is ErrorClass.HOST_KEY
    assert not error_class.transient
    assert message == (
        f"host key changed for r1: expected {fingerprint(known)}, got {fingerprint(presented)}; "
        "if the device was replaced: confvault hostkey accept r1"
    )
    assert fingerprint(known).startswith("SHA256:")


def test_an_unknown_host_key_under_a_strict_policy_is_a_host_key_failure() -> None:
    error = SSHException("Server '[127.0.0.1]:2201' not found in known_hosts")
    assert classify(error, deadline_passed=False, device="r1") == (
        ErrorClass.HOST_KEY,
        "host key of r1 is not known; to trust it: confvault hostkey accept r1",
    )


def test_a_changed_host_key_is_found_under_netmikos_wrapping() -> None:
    known, presented = ECDSAKey.generate(), ECDSAKey.generate()
    try:
        try:
            raise BadHostKeyException("[127.0.0.1]:2201", presented, known)
        except SSHException as error:
            raise NetmikoTimeoutException(f"A paramiko SSHException occurred:\n{error}") from None
    except NetmikoTimeoutException as wrapped:
        error_class, message = classify(wrapped, deadline_passed=False, device="r1")
    assert error_class is ErrorClass.HOST_KEY
    assert message.startswith(f"host key changed for r1: expected {fingerprint(known)}")


def test_no_common_ssh_algorithm_is_rejected_with_the_way_out_never_retried() -> None:
    try:
        try:
            raise IncompatiblePeer("Incompatible ssh peer (no acceptable kex algorithm)")
        except SSHException as error:
            raise NetmikoTimeoutException(
                f"\nA paramiko SSHException occurred during connection creation:\n\n{error}\n"
            ) from None
    except NetmikoTimeoutException as wrapped:
        error_class, message = classify(wrapped, deadline_passed=False)
    assert error_class is ErrorClass.REJECTED
    assert not error_class.transient
    assert message == (
        "no SSH algorithm in common with the device (Incompatible ssh peer (no acceptable kex "
        "algorithm)); for an old device set extras legacy_algorithms: true"
    )
