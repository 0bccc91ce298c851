"""A TLS listener (swift-nio-ssl) with a certificate from a CA made here: the
bao CLI trusts it through BAO_CACERT, refuses it without, and plain HTTP to the
TLS port gets no API answer."""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import pytest
import requests

from conftest import IS_COFFER, bao_bin, coffer_bin, free_port, new_session, redact_init_answer


def make_pki(directory: Path) -> tuple[Path, Path, Path]:
    """A CA and a server certificate for 127.0.0.1, made with the openssl CLI."""
    def run(*args: str) -> None:
        subprocess.run(["openssl", *args], cwd=directory, check=True, capture_output=True)

    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
        "-days", "1", "-subj", "/CN=coffer-e2e-ca")
    run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
        "-subj", "/CN=127.0.0.1")
    (directory / "san.ext").write_text("subjectAltName=IP:127.0.0.1\n")
    run("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
        "-out", "server.pem", "-days", "1", "-extfile", "san.ext")
    return directory / "ca.pem", directory / "server.pem", directory / "server.key"


@pytest.fixture
def tls_server(tmp_path):
    ca, cert, key = make_pki(tmp_path)
    port = free_port()
    storage = f'storage "sqlite" {{\n  path = "{tmp_path}/coffer.db"\n}}\n' if IS_COFFER else 'storage "inmem" {}\n'
    config = tmp_path / "server.hcl"
    config.write_text(storage + f'listener "tcp" {{\n  address = "127.0.0.1:{port}"\n'
                      f'  tls_cert_file = "{cert}"\n  tls_key_file = "{key}"\n}}\n')
    binary = coffer_bin() if IS_COFFER else bao_bin()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BAO_", "VAULT_"))}
    env["HOME"] = str(tmp_path)
    log = open(tmp_path / "server.log", "wb")
    proc = subprocess.Popen([str(binary), "server", f"-config={config}"], stdout=log, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, env=env, start_new_session=True)
    session = new_session()
    url = f"https://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            session.get(url + "/v1/sys/health", verify=str(ca), timeout=1)
            break
        except requests.RequestException:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail("TLS server did not start:\n" + (tmp_path / "server.log").read_text()[-3000:])
            time.sleep(0.05)
    try:
        yield url, ca, env
    finally:
        proc.kill()
        proc.wait()


def bao(url: str, ca: Path | None, env: dict, *args: str) -> subprocess.CompletedProcess:
    run_env = dict(env, BAO_ADDR=url)
    if ca is not None:
        run_env["BAO_CACERT"] = str(ca)
    return subprocess.run([str(bao_bin()), *args], capture_output=True, text=True, env=run_env,
                          timeout=60, stdin=subprocess.DEVNULL)


def test_bao_cli_works_over_tls_with_the_ca_and_refuses_without(tls_server):
    url, ca, env = tls_server
    init = bao(url, ca, env, "operator", "init", "-key-shares=1", "-key-threshold=1", "-format=json")
    assert init.returncode == 0, init.stderr
    keys = redact_init_answer(json.loads(init.stdout))["unseal_keys_b64"]
    unseal = bao(url, ca, env, "operator", "unseal", keys[0])
    assert unseal.returncode == 0, unseal.stderr
    status = bao(url, ca, env, "status")
    assert status.returncode == 0, status.stderr
    assert "Sealed" in status.stdout and "false" in status.stdout.split("Sealed", 1)[1].splitlines()[0]

    untrusted = bao(url, None, env, "status")
    assert untrusted.returncode != 0
    assert "certificate" in untrusted.stderr.lower()


def test_plain_http_to_the_tls_port_gets_no_api_answer(tls_server):
    url, _, _ = tls_server
    plain = url.replace("https://", "http://")
    try:
        response = new_session().get(plain + "/v1/sys/health", timeout=5)
        answered = response.headers.get("Content-Type") == "application/json"
    except requests.RequestException:
        answered = False
    assert not answered
