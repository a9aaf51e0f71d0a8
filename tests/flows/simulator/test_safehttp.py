"""Really sending: every refusal, redirects re-checked, the deadline, the size limit, Host and SNI.

Nothing here reaches the internet: refused addresses are never connected to, made-up names are
answered by a fake resolver, and real exchanges go to pytest-httpserver on 127.0.0.1 (allowlisted).
"""

from __future__ import annotations

import datetime
import socket
import ssl
import time
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from editor.flows import safehttp
from editor.flows.safehttp import Allowlist, Refused, SendFailed, check_url, send

LOCAL = ["127.0.0.1"]


def fake_dns(monkeypatch, table: dict[str, list[str]]) -> list[str]:
    """Answer for made-up names; returns the list of names asked, to count lookups."""
    asked: list[str] = []
    real = socket.getaddrinfo

    def resolve(host, port, *args, **kwargs):
        asked.append(host)
        if host in table:
            return [
                (socket.AF_INET6 if ":" in ip else socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port))
                for ip in table[host]
            ]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(safehttp, "getaddrinfo", resolve)
    return asked


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("http://127.0.0.1/", "loopback"),
        ("http://127.1.2.3:8080/x", "loopback"),
        ("http://[::1]/", "loopback"),
        ("http://localhost/", "loopback"),
        ("http://2130706433/", "loopback"),  # 127.0.0.1 written as one number
        ("http://0x7f000001/", "loopback"),
        ("http://017700000001/", "loopback"),
        ("http://[::ffff:127.0.0.1]/", "loopback"),
        ("http://[64:ff9b::a00:1]/", "private"),  # NAT64 of 10.0.0.1
        ("http://10.0.0.1/", "private"),
        ("http://10.255.255.255/", "private"),
        ("http://172.16.0.1/", "private"),
        ("http://172.31.255.254/", "private"),
        ("http://192.168.1.1/", "private"),
        ("http://[fd00::1]/", "private"),
        ("http://169.254.169.254/latest/meta-data/", "metadata"),
        ("http://[fd00:ec2::254]/", "metadata"),
        ("http://169.254.1.1/", "link-local"),
        ("http://[fe80::1]/", "link-local"),
        ("http://0.0.0.0/", "unspecified"),
        ("http://0/", "unspecified"),
        ("http://[::]/", "unspecified"),
        ("http://224.0.0.1/", "multicast"),
        ("http://[ff02::1]/", "multicast"),
        ("http://240.0.0.1/", "reserved"),
        ("http://100.64.0.1/", "not on the public internet"),
    ],
)
def test_it_refuses_non_public_addresses(url: str, words: str) -> None:
    with pytest.raises(Refused, match=words):
        send("GET", url, allowlist=[])


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("ftp://example.com/file", "Only http and https"),
        ("file:///etc/passwd", "Only http and https"),
        ("gopher://example.com/", "Only http and https"),
        ("http://user:secret@example.com/", "user name or password"),
        ("http:///nohost", "no host"),
        ("http://example.com:99999/", "not a usable web address"),
    ],
)
def test_it_refuses_addresses_that_are_not_plain_http(url: str, words: str) -> None:
    with pytest.raises(Refused, match=words):
        send("GET", url, allowlist=[])


def test_it_refuses_names_that_resolve_to_private_addresses(monkeypatch) -> None:
    fake_dns(monkeypatch, {"intranet.example.test": ["10.1.2.3"], "sneaky.example.test": ["93.184.216.34", "::1"]})
    with pytest.raises(Refused, match=r"intranet.example.test \(10.1.2.3\) is a private"):
        send("GET", "https://intranet.example.test/admin", allowlist=[])
    # Every address a name resolves to must be public, not just the first.
    with pytest.raises(Refused, match="loopback"):
        send("GET", "https://sneaky.example.test/", allowlist=[])


def test_it_accepts_a_public_address_without_connecting(monkeypatch) -> None:
    fake_dns(monkeypatch, {"api.example.test": ["93.184.216.34", "2606:2800:220:1::1"]})
    target = check_url("https://api.example.test:8443/v1/x?y=1", Allowlist())
    assert target.addresses == ("93.184.216.34", "2606:2800:220:1::1")
    assert (target.host, target.port, target.path, target.host_header) == (
        "api.example.test",
        8443,
        "/v1/x?y=1",
        "api.example.test:8443",
    )


def test_it_fails_plainly_for_a_host_that_does_not_exist(monkeypatch) -> None:
    def nothing(*args, **kwargs):
        raise socket.gaierror(-2, "Name or service not known")

    monkeypatch.setattr(safehttp, "getaddrinfo", nothing)
    with pytest.raises(SendFailed, match="could not be found"):
        send("GET", "https://nowhere.example.test/", allowlist=[])


def test_it_reads_the_allowlist_from_settings(settings, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/ok").respond_with_data("fine")
    settings.SIMULATOR_HTTP_ALLOWLIST = []
    with pytest.raises(Refused):
        send("GET", httpserver.url_for("/ok"))
    settings.SIMULATOR_HTTP_ALLOWLIST = ["127.0.0.0/8"]
    assert send("GET", httpserver.url_for("/ok")).status == 200


def test_it_sends_to_an_allowlisted_address_and_reports_the_answer(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/test/1234", method="POST").respond_with_data("account found", status=201)
    answer = send("POST", httpserver.url_for("/api/test/1234"), allowlist=LOCAL)
    assert (answer.status, answer.body, answer.redirects) == (201, "account found", [])
    assert answer.elapsed < 5


def test_it_connects_to_the_checked_address_with_the_original_host_header(monkeypatch, httpserver: HTTPServer) -> None:
    asked = fake_dns(monkeypatch, {"api.example.test": ["127.0.0.1"]})
    httpserver.expect_request("/who").respond_with_handler(lambda request: Response(request.headers["Host"]))
    answer = send("GET", f"http://api.example.test:{httpserver.port}/who", allowlist=LOCAL)
    assert answer.body == f"api.example.test:{httpserver.port}"
    assert asked == ["api.example.test"]  # resolved once, never again for the connection


def test_it_follows_redirects_and_checks_every_hop(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/start").respond_with_data("", status=302, headers={"Location": "/middle"})
    httpserver.expect_request("/middle").respond_with_data("", status=307, headers={"Location": "/end"})
    httpserver.expect_request("/end").respond_with_data("arrived")
    answer = send("GET", httpserver.url_for("/start"), allowlist=LOCAL)
    assert answer.status == 200 and answer.body == "arrived"
    assert answer.redirects == [httpserver.url_for("/middle"), httpserver.url_for("/end")]


@pytest.mark.parametrize(
    "location",
    ["http://10.0.0.1/internal", "http://169.254.169.254/latest/meta-data/", "http://2130706433:1/", "ftp://x/"],
)
def test_it_refuses_a_redirect_to_a_private_address(httpserver: HTTPServer, location: str) -> None:
    httpserver.expect_request("/go").respond_with_data("", status=302, headers={"Location": location})
    with pytest.raises(Refused):
        send("GET", httpserver.url_for("/go"), allowlist=["127.0.0.1/32"] if "2130706433" not in location else [])


def test_it_refuses_a_redirect_from_a_public_name_to_loopback(monkeypatch, httpserver: HTTPServer) -> None:
    # The first hop is allowed (the allowlisted name), the redirect goes to a name that is not.
    fake_dns(monkeypatch, {"partner.example.test": ["127.0.0.1"], "evil.example.test": ["127.0.0.1"]})
    httpserver.expect_request("/hop").respond_with_data(
        "", status=301, headers={"Location": f"http://evil.example.test:{httpserver.port}/x"}
    )
    with pytest.raises(Refused, match="evil.example.test"):
        send("GET", f"http://partner.example.test:{httpserver.port}/hop", allowlist=["partner.example.test"])


def test_it_stops_after_too_many_redirects(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/loop").respond_with_data("", status=302, headers={"Location": "/loop"})
    with pytest.raises(SendFailed, match="more than 3 times"):
        send("GET", httpserver.url_for("/loop"), allowlist=LOCAL, max_redirects=3)


def test_it_turns_a_post_into_a_get_after_a_303(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/form", method="POST").respond_with_data("", status=303, headers={"Location": "/done"})
    httpserver.expect_request("/done", method="GET").respond_with_data("ok")
    assert send("POST", httpserver.url_for("/form"), allowlist=LOCAL).body == "ok"


def test_it_refuses_an_answer_over_the_size_limit(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/big").respond_with_data("x" * 300_000)
    with pytest.raises(SendFailed, match="larger than 1 KB"):
        send("GET", httpserver.url_for("/big"), allowlist=LOCAL, max_bytes=1024)
    httpserver.expect_request("/small").respond_with_data("x" * 1024)
    assert send("GET", httpserver.url_for("/small"), allowlist=LOCAL, max_bytes=1024).status == 200


def test_it_gives_up_on_a_slow_answer_at_the_deadline(httpserver: HTTPServer) -> None:
    def slow(request: Request) -> Response:
        time.sleep(1.5)
        return Response("late")

    httpserver.expect_request("/slow").respond_with_handler(slow)
    began = time.monotonic()
    with pytest.raises(SendFailed, match="timeout"):
        send("GET", httpserver.url_for("/slow"), allowlist=LOCAL, timeout=0.5)
    assert time.monotonic() - began < 1.4


def test_it_holds_one_deadline_for_a_trickling_answer(httpserver: HTTPServer) -> None:
    def trickle(request: Request) -> Response:
        def body():
            for _ in range(20):
                yield b"x"
                time.sleep(0.2)

        return Response(body(), direct_passthrough=True)

    httpserver.expect_request("/trickle").respond_with_handler(trickle)
    began = time.monotonic()
    with pytest.raises(SendFailed, match="timeout"):
        send("GET", httpserver.url_for("/trickle"), allowlist=LOCAL, timeout=1.0)
    assert time.monotonic() - began < 1.8  # one deadline, not a fresh timeout per read


def test_it_defaults_to_a_five_second_timeout(settings) -> None:
    assert settings.SIMULATOR_HTTP_TIMEOUT == 5.0
    assert safehttp.DEFAULT_TIMEOUT == 5.0


# -- https: SNI and certificate checks use the name while the connection goes to the checked IP ------------


def _certificates(tmp_path: Path, name: str) -> tuple[Path, Path, Path]:
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    paths = tmp_path / "ca.pem", tmp_path / "cert.pem", tmp_path / "key.pem"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return paths


def test_it_keeps_sni_and_certificate_checks_on_the_name(monkeypatch, tmp_path: Path) -> None:
    ca, cert, key = _certificates(tmp_path, "secure.example.test")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    seen: list[str | None] = []
    context.sni_callback = lambda sock, server_name, ctx: seen.append(server_name)
    server = HTTPServer(host="127.0.0.1", port=0, ssl_context=context)
    server.start()
    try:
        server.expect_request("/secure").respond_with_handler(lambda request: Response(request.headers["Host"]))
        fake_dns(monkeypatch, {"secure.example.test": ["127.0.0.1"], "other.example.test": ["127.0.0.1"]})
        answer = send("GET", f"https://secure.example.test:{server.port}/secure", allowlist=LOCAL, ca_certs=str(ca))
        assert answer.status == 200 and answer.body == f"secure.example.test:{server.port}"
        assert seen[-1] == "secure.example.test"
        # The same server under a name its certificate does not have: refused by the certificate check.
        with pytest.raises(SendFailed, match="secure connection"):
            send("GET", f"https://other.example.test:{server.port}/secure", allowlist=LOCAL, ca_certs=str(ca))
    finally:
        server.clear()
        server.stop()
