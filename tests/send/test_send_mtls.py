"""Client certificates (mutual TLS) against a real HTTPS server on 127.0.0.1 (reference 3a).

The server trusts only certificates issued by a trustme CA and requires one. Every run goes
through a ``cli`` that also fails the test if the private key, or any line of it, or even
the words ``PRIVATE KEY``, show on stdout or stderr.
"""

from __future__ import annotations

import base64
import json
import os
import ssl
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import cast

import pytest
import trustme
from cryptography.hazmat.primitives import serialization
from pytest_httpserver import HTTPServer
from send_support import SECRET_PATH, SECRETS, Cli, VirtualClock, run_script

from fluxnotify.errors import ConfigError
from fluxnotify.send import http

PROVIDER = """\
apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Provider
metadata:
  name: mtls
  namespace: flux-system
spec:
  type: generic
  address: {address}
  certSecretRef:
    name: mtls-certs
---
apiVersion: v1
kind: Secret
metadata:
  name: mtls-certs
  namespace: flux-system
type: kubernetes.io/tls
data:
"""
FROM_SECRET = "`tls.crt`/`tls.key` of the certSecretRef Secret of Provider flux-system/mtls"


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def client(ca: trustme.CA) -> trustme.LeafCert:
    return ca.issue_cert("fluxnotify-client@example")


@pytest.fixture(scope="module")
def stranger() -> trustme.LeafCert:
    """A client certificate from a CA the server does not trust."""
    return trustme.CA().issue_cert("stranger@example")


def cert_of(leaf: trustme.LeafCert) -> str:
    return leaf.cert_chain_pems[0].bytes().decode()


def key_of(leaf: trustme.LeafCert) -> str:
    return leaf.private_key_pem.bytes().decode()


def never_shown(*leaves: trustme.LeafCert) -> tuple[str, ...]:
    """The keys, whole and line by line, on top of the webhook secrets."""
    lines = [line for leaf in leaves for line in key_of(leaf).splitlines() if "-----" not in line]
    return (*SECRETS, "PRIVATE KEY", *(key_of(leaf) for leaf in leaves), *lines)


@pytest.fixture
def cli(
    capsys: pytest.CaptureFixture[str], client: trustme.LeafCert, stranger: trustme.LeafCert
) -> Cli:
    return Cli(capsys, never_shown(client, stranger))


def serve(ca: trustme.CA, *, tls12: bool = False) -> HTTPServer:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert("localhost").configure_cert(context)
    ca.configure_trust(context)
    context.verify_mode = ssl.CERT_REQUIRED
    if tls12:
        context.maximum_version = ssl.TLSVersion.TLSv1_2
    server = HTTPServer(host="localhost", ssl_context=context)
    server.start()
    server.expect_request(SECRET_PATH, method="POST").respond_with_data("ok")
    return server


@pytest.fixture
def server(ca: trustme.CA) -> Iterator[HTTPServer]:
    server = serve(ca)
    yield server
    server.clear()
    server.stop()


@pytest.fixture
def files(tmp_path: Path, ca: trustme.CA, client: trustme.LeafCert) -> dict[str, Path]:
    """ca.crt, tls.crt and tls.key of the trusted client, as files."""
    folder = tmp_path / "pem"
    folder.mkdir()
    paths = {name: folder / name for name in ("ca.crt", "tls.crt", "tls.key")}
    ca.cert_pem.write_to_path(str(paths["ca.crt"]))
    paths["tls.crt"].write_text(cert_of(client))
    paths["tls.key"].write_text(key_of(client))
    return paths


def project(root: Path, server: HTTPServer, **keys: str) -> Path:
    """A Provider whose certSecretRef Secret holds ``keys`` (base64 ``data``)."""
    root.mkdir()
    data = "".join(
        f"  {key}: {base64.b64encode(value.encode()).decode()}\n" for key, value in keys.items()
    )
    text = PROVIDER.format(address=server.url_for(SECRET_PATH)) + data
    (root / "mtls.yaml").write_text(text)
    return root


@pytest.fixture
def good_project(
    tmp_path: Path, server: HTTPServer, ca: trustme.CA, client: trustme.LeafCert
) -> Path:
    keys = {
        "ca.crt": ca.cert_pem.bytes().decode(),
        "tls.crt": cert_of(client),
        "tls.key": key_of(client),
    }
    return project(tmp_path / "repo", server, **keys)


def with_address(server: HTTPServer, *args: str) -> tuple[str, ...]:
    return ("--address", server.url_for(SECRET_PATH), "--type", "generic", *args)


@pytest.fixture(params=[(), ("--verbose",)], ids=["quiet", "verbose"])
def flags(request: pytest.FixtureRequest) -> tuple[str, ...]:
    return tuple(request.param)


def test_provider_cert_secret_gives_the_client_certificate(
    cli: Cli, server: HTTPServer, good_project: Path, flags: tuple[str, ...]
) -> None:
    result = cli("--provider", "mtls", "--root", str(good_project), *flags)
    assert result.code == 0, result.err
    assert result.out.startswith(
        f"delivered: generic message to https://localhost:{server.port}/services/… (HTTP 200"
    )
    assert len(server.log) == 1
    assert (f"fluxnotify: client certificate from {FROM_SECRET}" in result.err) == bool(flags)


def test_cert_file_and_key_file(cli: Cli, server: HTTPServer, files: dict[str, Path]) -> None:
    result = cli(
        *with_address(server),
        "--ca-file",
        str(files["ca.crt"]),
        "--cert-file",
        str(files["tls.crt"]),
        "--key-file",
        str(files["tls.key"]),
        "--format",
        "json",
        "--verbose",
    )
    assert result.code == 0, result.err
    assert json.loads(result.out)["delivered"] is True
    assert "client certificate from --cert-file/--key-file" in result.err
    assert len(server.log) == 1


def test_flags_replace_the_provider_certificate(
    cli: Cli,
    tmp_path: Path,
    server: HTTPServer,
    ca: trustme.CA,
    stranger: trustme.LeafCert,
    files: dict[str, Path],
) -> None:
    ca_pem = ca.cert_pem.bytes().decode()
    keys = {"ca.crt": ca_pem, "tls.crt": cert_of(stranger), "tls.key": key_of(stranger)}
    root = project(tmp_path / "repo", server, **keys)
    args = ("--provider", "mtls", "--root", str(root))
    assert cli(*args).code == 1  # the Secret's certificate is not one the server trusts
    result = cli(*args, "--cert-file", str(files["tls.crt"]), "--key-file", str(files["tls.key"]))
    assert result.code == 0, result.err
    assert "warning: --cert-file/--key-file replace the Provider's client certificate" in (
        result.err
    )
    assert len(server.log) == 1


def test_no_client_certificate_is_explained_and_retried_as_flux_does(
    cli: Cli,
    server: HTTPServer,
    files: dict[str, Path],
    clock: VirtualClock,
    flags: tuple[str, ...],
) -> None:
    result = cli(*with_address(server, "--ca-file", str(files["ca.crt"])), *flags)
    assert result.code == 1
    assert (
        f"not delivered: TLS: localhost:{server.port} ended the handshake, and no client "
        "certificate was sent (TLSV13_ALERT_CERTIFICATE_REQUIRED) (4 attempts"
    ) in result.err
    assert (
        "  meaning: the server wants a client certificate (mutual TLS), and none was sent\n"
    ) in result.err
    assert (
        "  fix: put the certificate and its key in the Secret of the Provider's "
        "`certSecretRef` as `tls.crt` and `tls.key` (here: --cert-file and --key-file)"
    ) in result.err
    assert clock.waits == [2.0, 4.0, 8.0]
    assert server.log == []


def test_no_client_certificate_in_json(
    cli: Cli, server: HTTPServer, files: dict[str, Path]
) -> None:
    result = cli(*with_address(server, "--ca-file", str(files["ca.crt"])), "--format", "json")
    assert result.code == 1
    report = json.loads(result.out)
    assert report["delivered"] is False
    assert "no client certificate was sent" in report["problem"]
    assert "--cert-file and --key-file" in report["fix"]


def test_tls12_handshake_failure_points_at_a_client_certificate(
    cli: Cli, ca: trustme.CA, files: dict[str, Path]
) -> None:
    server = serve(ca, tls12=True)
    try:
        result = cli(*with_address(server, "--ca-file", str(files["ca.crt"])))
    finally:
        server.stop()
    assert result.code == 1
    assert "no client certificate was sent (SSLV3_ALERT_HANDSHAKE_FAILURE)" in result.err
    assert "  meaning: most likely the server wants a client certificate" in result.err
    assert "--cert-file and --key-file" in result.err


def test_certificate_from_another_ca_is_refused(
    cli: Cli, server: HTTPServer, files: dict[str, Path], stranger: trustme.LeafCert
) -> None:
    (files["tls.crt"].parent / "other.crt").write_text(cert_of(stranger))
    (files["tls.crt"].parent / "other.key").write_text(key_of(stranger))
    result = cli(
        *with_address(server, "--ca-file", str(files["ca.crt"])),
        "--cert-file",
        str(files["tls.crt"].parent / "other.crt"),
        "--key-file",
        str(files["tls.crt"].parent / "other.key"),
    )
    assert result.code == 1
    assert (
        f"TLS: localhost:{server.port} refused the client certificate (TLSV1_ALERT_UNKNOWN_CA)"
    ) in result.err
    assert "meaning: the server refused the client certificate" in result.err
    assert server.log == []


@pytest.mark.parametrize(("given", "missing"), [("cert", "key"), ("key", "cert")])
def test_cert_file_and_key_file_come_together(
    cli: Cli, server: HTTPServer, files: dict[str, Path], given: str, missing: str
) -> None:
    path = files["tls.crt" if given == "cert" else "tls.key"]
    result = cli(*with_address(server, f"--{given}-file", str(path)))
    assert result.code == 2
    assert result.err.splitlines() == [
        f"fluxnotify: error: --{given}-file needs --{missing}-file: a client certificate goes "
        "with its key",
        "  hint: give both, or neither to use the Provider's certSecretRef",
    ]
    assert result.out == ""
    assert server.log == []


def encrypted(leaf: trustme.LeafCert) -> str:
    key = serialization.load_pem_private_key(leaf.private_key_pem.bytes(), None)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"passphrase"),
    ).decode()


def bad_pair(kind: str, client: trustme.LeafCert, stranger: trustme.LeafCert) -> tuple[str, str]:
    """A certificate and a key that cannot go together, as ``kind`` says."""
    if kind == "mismatch":
        return cert_of(client), key_of(stranger)
    if kind == "not-pem":
        return "not a certificate\n", key_of(client)
    return cert_of(client), encrypted(client)


BAD_PAIRS = [
    ("mismatch", "the client key does not belong to the client certificate"),
    ("not-pem", "the client certificate or key is not valid PEM"),
    ("encrypted", "the client key is encrypted; Flux needs it unencrypted"),
]
HINT = "  hint: give the certificate and its own private key, both PEM"


@pytest.mark.parametrize(("kind", "message"), BAD_PAIRS)
def test_bad_pair_from_the_flags_is_a_config_error(
    cli: Cli,
    server: HTTPServer,
    files: dict[str, Path],
    client: trustme.LeafCert,
    stranger: trustme.LeafCert,
    kind: str,
    message: str,
) -> None:
    cert, key = bad_pair(kind, client, stranger)
    files["tls.crt"].write_text(cert)
    files["tls.key"].write_text(key)
    result = cli(
        *with_address(server, "--ca-file", str(files["ca.crt"])),
        "--cert-file",
        str(files["tls.crt"]),
        "--key-file",
        str(files["tls.key"]),
    )
    assert result.code == 2
    assert result.err.splitlines() == [
        f"fluxnotify: error: {message} (--cert-file/--key-file)",
        HINT,
    ]
    assert result.out == ""
    assert server.log == []
    if kind == "encrypted":
        assert "Proc-Type" not in result.err  # nothing of the key file


def test_mismatched_pair_in_the_secret_names_the_provider(
    cli: Cli,
    tmp_path: Path,
    server: HTTPServer,
    client: trustme.LeafCert,
    stranger: trustme.LeafCert,
) -> None:
    keys = {"tls.crt": cert_of(client), "tls.key": key_of(stranger)}
    root = project(tmp_path / "repo", server, **keys)
    result = cli("--provider", "mtls", "--root", str(root), "--verbose")
    assert result.code == 2
    assert result.err.splitlines()[-2:] == [
        "fluxnotify: error: the client key does not belong to the client certificate "
        f"({FROM_SECRET})",
        HINT,
    ]
    assert "Traceback" not in result.err
    assert server.log == []


@pytest.mark.parametrize(
    ("key", "has", "lacks"), [("tls.crt", "tls.crt", "tls.key"), ("keyFile", "keyFile", "tls.crt")]
)
def test_half_a_pair_in_the_secret_is_a_config_error(
    cli: Cli,
    tmp_path: Path,
    server: HTTPServer,
    client: trustme.LeafCert,
    key: str,
    has: str,
    lacks: str,
) -> None:
    value = cert_of(client) if key == "tls.crt" else key_of(client)
    root = project(tmp_path / "repo", server, **{key: value})
    result = cli("--provider", "mtls", "--root", str(root))
    assert result.code == 2
    assert result.err.splitlines()[0] == (
        "fluxnotify: error: the certSecretRef Secret flux-system/mtls-certs of Provider "
        f"flux-system/mtls has `{has}` but no `{lacks}`: a client certificate needs both, "
        "and Flux fails every dispatch with one alone"
    )
    assert result.out == ""
    assert server.log == []


def test_unreadable_key_file(cli: Cli, server: HTTPServer, files: dict[str, Path]) -> None:
    missing = files["tls.key"].with_name("nope.key")
    result = cli(
        *with_address(server),
        "--cert-file",
        str(files["tls.crt"]),
        "--key-file",
        str(missing),
    )
    assert result.code == 2
    assert result.err == (
        f"fluxnotify: error: --key-file {missing}: cannot read it (No such file or directory)\n"
    )


@pytest.mark.parametrize("output", [("--format", "text"), ("--format", "json")])
def test_dry_run_and_verbose_never_show_the_key(
    cli: Cli, server: HTTPServer, good_project: Path, output: tuple[str, str]
) -> None:
    """The cli fixture fails on any line of the key; this also checks what is shown."""
    result = cli("--provider", "mtls", "--root", str(good_project), "--dry-run", "-v", *output)
    assert result.code == 0, result.err
    assert f"client certificate from {FROM_SECRET}" in result.err
    assert "BEGIN" not in result.out + result.err
    assert server.log == []


def test_key_files_are_private_and_gone_after_loading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, client: trustme.LeafCert
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    seen: list[tuple[str, int, int, str]] = []

    class Recorder:
        def load_cert_chain(
            self, certfile: str, keyfile: str, password: Callable[[], bytes]
        ) -> None:
            folder = os.path.dirname(keyfile)
            for path in (certfile, keyfile):
                mode = stat.S_IMODE(os.stat(path).st_mode)
                text = Path(path).read_text()
                seen.append(
                    (os.path.basename(path), mode, stat.S_IMODE(os.stat(folder).st_mode), text)
                )
            assert password() == b""

    http._load_client_cert(
        cast(ssl.SSLContext, Recorder()), cert_of(client), key_of(client), "test"
    )
    assert seen == [
        ("tls.crt", 0o600, 0o700, cert_of(client)),
        ("tls.key", 0o600, 0o700, key_of(client)),
    ]
    assert list(tmp_path.iterdir()) == []


def test_key_files_are_gone_after_a_bad_pair(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    client: trustme.LeafCert,
    stranger: trustme.LeafCert,
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with pytest.raises(ConfigError, match="does not belong"):
        http._load_client_cert(
            ssl.create_default_context(), cert_of(client), key_of(stranger), "test"
        )
    assert list(tmp_path.iterdir()) == []


def test_console_script(
    server: HTTPServer,
    good_project: Path,
    tmp_path: Path,
    client: trustme.LeafCert,
    stranger: trustme.LeafCert,
) -> None:
    hidden = never_shown(client, stranger)
    sent = run_script("--provider", "mtls", "--root", str(good_project), "-v", secrets=hidden)
    assert sent.returncode == 0, sent.stderr
    assert sent.stdout.startswith("delivered: generic message to https://localhost:")
    assert len(server.log) == 1
    keys = {"tls.crt": cert_of(client), "tls.key": key_of(stranger)}
    root = project(tmp_path / "bad", server, **keys)
    refused = run_script("--provider", "mtls", "--root", str(root), secrets=hidden)
    assert refused.returncode == 2
    assert "error: the client key does not belong to the client certificate" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert len(server.log) == 1


def test_client_certificate_without_a_ca_still_verifies_the_server(
    cli: Cli, server: HTTPServer, files: dict[str, Path]
) -> None:
    """Our own SSL context for the client certificate keeps the default trust store."""
    result = cli(
        *with_address(server),
        "--cert-file",
        str(files["tls.crt"]),
        "--key-file",
        str(files["tls.key"]),
    )
    assert result.code == 1
    assert f"TLS: localhost:{server.port} presented a certificate that is not trusted" in (
        result.err
    )
    assert server.log == []
