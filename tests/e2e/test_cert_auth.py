"""TLS certificate auth (issue 19): a runner logs in with the client certificate
it presents on the TLS connection.

Certificates are made here with openssl (cert_pki.py): a root CA, an
intermediate, and leaves with CN, DNS, email and URI (SPIFFE) SANs and an OU.
The server runs a TLS listener (which requests, not requires, a client
certificate) and a plain HTTP one. The CRL is made by `openssl ca -gencrl`;
OCSP answers come from an `openssl ocsp` responder this module runs.

Every case runs against OpenBao too (`E2E_SERVER=bao`), which has cert auth
built in: statuses and messages are OpenBao's, including its 500 for an
expired or not-yet-valid certificate (Go's verification error, not an error
response), which Coffer matches.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import pytest
import requests

from cert_pki import CA, RUNNER_OID, Issued, chain_file
from conftest import (IS_COFFER, Secret, assert_error, bao_bin, coffer_bin, free_port, new_session,
                      random_value, redact_init_answer)

NO_MATCH = "no chain matching all constraints could be found for this login certificate"
UNTRUSTED = "invalid certificate or no client certificate supplied"
NO_CERT = "no client certificate found"
EXPIRED = "failed to verify client's certificate: x509: certificate has expired or is not yet valid"


class PKI:
    def __init__(self, directory: Path, ocsp_port: int):
        self.root = CA(directory, "root")
        self.inter = CA(directory, "inter", self.root)
        self.other = CA(directory, "other")
        self.server = self.root.issue("server", "/CN=127.0.0.1", ["IP:127.0.0.1"], client_auth=False)
        aia = f"authorityInfoAccess=OCSP;URI:http://127.0.0.1:{ocsp_port}\n"
        runner_sans = ["DNS:ci-runner.example.com", "email:ci@example.com", "URI:spiffe://example.com/ci/runner"]
        runner_subject = "/O=Example/OU=platform/CN=ci-runner.example.com"
        self.runner = self.inter.issue("runner", runner_subject, runner_sans,
                                       extra=f"{RUNNER_OID}=ASN1:UTF8String:prod\n" + aia)
        self.intruder = self.inter.issue("intruder", "/O=Other/OU=other/CN=intruder.example.net",
                                         ["DNS:intruder.example.net", "URI:spiffe://other.example/ci/runner"])
        self.expired = self.inter.issue("expired", runner_subject, runner_sans,
                                        start="200101000000Z", end="200102000000Z")
        self.future = self.inter.issue("future", runner_subject, runner_sans,
                                       start="400101000000Z", end="400102000000Z")
        self.foreign = self.other.issue("foreign", runner_subject, runner_sans)
        self.pinned = self.inter.issue("pinned", "/OU=platform/CN=pinned.example.com")
        prod = f"{RUNNER_OID}=ASN1:UTF8String:prod\n"
        self.crl_victim = self.inter.issue("crl-victim", runner_subject, runner_sans, extra=prod)
        self.inter.revoke(self.crl_victim)
        self.crl = self.inter.crl_pem()
        # Revoked after the CRL was made: only the OCSP responder knows.
        self.ocsp_victim = self.inter.issue("ocsp-victim", runner_subject, runner_sans, extra=prod + aia)
        self.inter.revoke(self.ocsp_victim)

    def presented(self, leaf: Issued) -> tuple[str, str]:
        """What a client presents: its leaf and the intermediate, and its key."""
        issuer = self.other if leaf is self.foreign else self.inter
        return str(chain_file(leaf, issuer)), str(leaf.key)


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    ocsp_port = free_port()
    pki = PKI(tmp_path_factory.mktemp("pki"), ocsp_port)
    inter = pki.inter
    responder = subprocess.Popen(
        ["openssl", "ocsp", "-index", str(inter.dir / "index.txt"), "-port", str(ocsp_port),
         "-CA", str(inter.cert), "-rsigner", str(inter.cert), "-rkey", str(inter.key), "-nmin", "10"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    pki.ocsp_url = f"http://127.0.0.1:{ocsp_port}"
    try:
        yield pki
    finally:
        responder.kill()
        responder.wait()


class TLSServer:
    """Coffer or OpenBao with a TLS listener (client certificates requested)
    and a plain HTTP one, initialised, unsealed, with cert auth enabled."""

    def __init__(self, workdir: Path, pki: PKI):
        self.pki = pki
        self.port, self.plain_port = free_port(), free_port()
        self.proxied_port, self.untrusted_port = free_port(), free_port()
        self.required_port, self.disabled_port = free_port(), free_port()
        self.required_url = f"https://127.0.0.1:{self.required_port}"
        self.disabled_url = f"https://127.0.0.1:{self.disabled_port}"
        self.url = f"https://127.0.0.1:{self.port}"
        self.plain_url = f"http://127.0.0.1:{self.plain_port}"
        # Listeners behind a TLS-terminating proxy: one trusts this host's
        # address to pass on the client's certificate, the other trusts another.
        self.proxied_url = f"http://127.0.0.1:{self.proxied_port}"
        self.untrusted_url = f"http://127.0.0.1:{self.untrusted_port}"
        self.audit_log = workdir / "audit.log"
        storage = f'storage "sqlite" {{\n  path = "{workdir}/coffer.db"\n}}\n' if IS_COFFER else 'storage "inmem" {}\n'
        config = workdir / "server.hcl"
        config.write_text(
            storage
            + f'listener "tcp" {{\n  address = "127.0.0.1:{self.port}"\n'
              f'  tls_cert_file = "{pki.server.cert}"\n  tls_key_file = "{pki.server.key}"\n}}\n'
            + f'listener "tcp" {{\n  address = "127.0.0.1:{self.plain_port}"\n  tls_disable = true\n}}\n'
            + self._proxied(self.proxied_port, "127.0.0.1/32") + self._proxied(self.untrusted_port, "10.9.8.7/32")
            + self._tls(self.required_port, f'  tls_require_and_verify_client_cert = true\n'
                                            f'  tls_client_ca_file = "{pki.root.cert}"\n')
            + self._tls(self.disabled_port, '  tls_disable_client_certs = true\n')
            + f'audit "file" "file" {{\n  options {{\n    file_path = "{self.audit_log}"\n  }}\n}}\n')
        binary = coffer_bin() if IS_COFFER else bao_bin()
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("BAO_", "VAULT_"))}
        self.env["HOME"] = str(workdir)
        self.log = workdir / "server.log"
        self.proc = subprocess.Popen([str(binary), "server", f"-config={config}"], stdout=open(self.log, "wb"),
                                     stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=self.env,
                                     start_new_session=True)
        self.session = new_session()
        self.session.verify = str(pki.root.cert)
        self._wait()
        init = redact_init_answer(self.session.put(self.url + "/v1/sys/init",
                                                   json={"secret_shares": 1, "secret_threshold": 1}).json())
        self.session.put(self.url + "/v1/sys/unseal", json={"key": init["keys"][0]}).raise_for_status()
        self.root_token = Secret(init["root_token"])
        self._wait_active()

    def _tls(self, port: int, extra: str) -> str:
        return (f'listener "tcp" {{\n  address = "127.0.0.1:{port}"\n  tls_cert_file = "{self.pki.server.cert}"\n'
                f'  tls_key_file = "{self.pki.server.key}"\n{extra}}}\n')

    @staticmethod
    def _proxied(port: int, trusted: str) -> str:
        return (f'listener "tcp" {{\n  address = "127.0.0.1:{port}"\n  tls_disable = true\n'
                f'  x_forwarded_for_authorized_addrs = ["{trusted}"]\n'
                f'  x_forwarded_for_client_cert_header = "X-Forwarded-Tls-Client-Cert"\n'
                f'  x_forwarded_for_client_cert_header_decoders = "BASE64"\n}}\n')

    def _wait(self) -> None:
        deadline = time.monotonic() + 30
        while True:
            try:
                self.session.get(self.url + "/v1/sys/health", timeout=1)
                return
            except requests.RequestException:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    pytest.fail("TLS server did not start:\n" + self.log.read_text()[-3000:])
                time.sleep(0.05)

    def _wait_active(self) -> None:
        deadline = time.monotonic() + 30
        while self.session.get(self.url + "/v1/sys/health").status_code != 200:
            assert time.monotonic() < deadline, "server did not become active"
            time.sleep(0.1)

    def api(self, method: str, path: str, body=None, token: str | None = None, cert: Issued | None = None,
            base: str | None = None) -> requests.Response:
        headers = {"X-Vault-Token": token} if token else {}
        return self.session.request(method, (base or self.url) + "/v1/" + path, json=body, headers=headers,
                                    cert=self.pki.presented(cert) if cert else None, timeout=30)

    def admin(self, method: str, path: str, body=None) -> requests.Response:
        return self.api(method, path, body, token=self.root_token)

    def login(self, cert: Issued | None, name: str | None = "ci-runner", base: str | None = None):
        return self.api("POST", "auth/cert/login", {"name": name} if name else {}, cert=cert, base=base)

    def bao(self, *args: str, token: str | None = None) -> subprocess.CompletedProcess:
        env = dict(self.env, BAO_ADDR=self.url, BAO_CACERT=str(self.pki.root.cert))
        if token:
            env["BAO_TOKEN"] = token
        return subprocess.run([str(bao_bin()), *args], capture_output=True, text=True, env=env, timeout=60,
                              stdin=subprocess.DEVNULL)

    def audit_lines(self) -> list[dict]:
        return [json.loads(line) for line in self.audit_log.read_text().splitlines() if line.strip()]

    def stop(self) -> None:
        self.proc.kill()
        self.proc.wait()


@pytest.fixture(scope="module")
def server(tmp_path_factory, pki):
    server = TLSServer(tmp_path_factory.mktemp("cert-server"), pki)
    try:
        assert server.admin("POST", "sys/auth/cert", {"type": "cert"}).status_code == 204
        assert server.admin("POST", "sys/mounts/secret", {"type": "kv", "options": {"version": "2"}}).status_code == 204
        policy = 'path "secret/data/ci/runner" { capabilities = ["read"] }'
        assert server.admin("PUT", "sys/policies/acl/ci-read", {"policy": policy}).status_code == 204
        server.secret = random_value()
        deadline = time.monotonic() + 30
        while server.admin("POST", "secret/data/ci/runner", {"data": {"password": server.secret}}).status_code != 200:
            assert time.monotonic() < deadline, "kv mount did not become ready"
            time.sleep(0.1)
        role = {
            "certificate": pki.root.pem, "display_name": "ci-runner",
            "allowed_common_names": ["ci-runner.example.com", "*.ci.example.com"],
            "allowed_dns_sans": ["ci-runner.example.com"], "allowed_email_sans": ["ci@example.com"],
            "allowed_uri_sans": ["spiffe://example.com/ci/*"], "allowed_organizational_units": ["platform"],
            "required_extensions": [f"{RUNNER_OID}:prod"], "allowed_metadata_extensions": [RUNNER_OID],
            "token_policies": ["ci-read"], "token_ttl": "30m", "token_max_ttl": "1h",
        }
        assert server.admin("POST", "auth/cert/certs/ci-runner", role).status_code == 204
        strict = dict(role, required_extensions=[f"{RUNNER_OID}:staging"])
        assert server.admin("POST", "auth/cert/certs/strict-ext", strict).status_code == 204
        yield server
    finally:
        server.stop()


def refused(server: TLSServer, answer: requests.Response, status: int, message: str) -> None:
    """A refusal in Vault's envelope with no token, and (Coffer) an audit line for it."""
    assert answer.status_code == status, answer.text[:500]
    assert_error(answer, status)
    errors = answer.json()["errors"]
    assert errors and errors[0].startswith(message), errors
    assert "auth" not in answer.json()


# -- acceptance 1: bao login against the TLS listener ---------------------------------

def test_bao_login_with_a_client_certificate_reads_the_runners_secret(server, pki):
    chain, key = pki.presented(pki.runner)
    login = server.bao("login", "-method=cert", f"-client-cert={chain}", f"-client-key={key}", "-format=json",
                       "-no-store", "name=ci-runner")
    assert login.returncode == 0, login.stderr
    auth = json.loads(login.stdout)["auth"]
    assert sorted(auth["policies"]) == ["ci-read", "default"]
    metadata = auth["metadata"]
    assert metadata["cert_name"] == "ci-runner" and metadata["common_name"] == "ci-runner.example.com"
    assert metadata["serial_number"] == pki.runner.serial_decimal()
    assert metadata["subject_key_id"].count(":") == 19 and metadata["authority_key_id"].count(":") == 19
    assert metadata[RUNNER_OID.replace(".", "-")] == "prod"
    token = Secret(auth["client_token"])
    read = server.bao("kv", "get", "-field=password", "secret/ci/runner", token=token)
    assert read.returncode == 0, read.stderr
    assert read.stdout.strip() == server.secret
    lookup = server.api("GET", "auth/token/lookup-self", token=token).json()["data"]
    assert lookup["display_name"] == "cert-ci-runner" and lookup["path"] == "auth/cert/login"
    assert lookup["creation_ttl"] == 1800


def test_identity_alias_is_the_common_name_with_metadata_only_when_enabled(server, pki):
    def alias_of(answer) -> dict:
        assert answer.status_code == 200, answer.text
        entity_id = answer.json()["auth"]["entity_id"]
        [alias] = server.admin("GET", f"identity/entity/id/{entity_id}").json()["data"]["aliases"]
        return alias

    plain = alias_of(server.login(pki.runner))
    assert plain["name"] == "ci-runner.example.com" and plain["mount_type"] == "cert" and not plain["metadata"]
    assert server.admin("POST", "auth/cert/config", {"enable_identity_alias_metadata": True}).status_code == 204
    try:
        enriched = alias_of(server.login(pki.runner))
        assert enriched["metadata"]["cert_name"] == "ci-runner"
        assert enriched["metadata"]["common_name"] == "ci-runner.example.com"
    finally:
        server.admin("POST", "auth/cert/config", {"enable_identity_alias_metadata": False})


def test_unnamed_login_tries_every_role_and_the_first_match_wins(server, pki):
    answer = server.login(pki.runner, name=None)
    assert answer.status_code == 200, answer.text
    assert answer.json()["auth"]["metadata"]["cert_name"] == "ci-runner"


def test_a_role_pinning_the_leaf_is_tried_before_ca_roles_in_name_order(server, pki):
    anything = {"certificate": pki.root.pem, "token_policies": ["default"]}
    assert server.admin("POST", "auth/cert/certs/a-any", anything).status_code == 204
    pinned = {"certificate": pki.pinned.pem, "token_policies": ["ci-read"]}
    assert server.admin("POST", "auth/cert/certs/pinned", pinned).status_code == 204
    try:
        answer = server.login(pki.pinned, name=None)
        assert answer.status_code == 200, answer.text
        assert answer.json()["auth"]["metadata"]["cert_name"] == "pinned"
        # Without the pinned role, the CA role first in name order takes it.
        assert server.admin("DELETE", "auth/cert/certs/pinned").status_code == 204
        assert server.login(pki.pinned, name=None).json()["auth"]["metadata"]["cert_name"] == "a-any"
    finally:
        server.admin("DELETE", "auth/cert/certs/a-any")
        server.admin("DELETE", "auth/cert/certs/pinned")


def test_role_reads_back_lists_and_config(server, pki):
    data = server.admin("GET", "auth/cert/certs/ci-runner").json()["data"]
    assert data["allowed_uri_sans"] == ["spiffe://example.com/ci/*"] and data["allowed_names"] is None
    assert data["token_ttl"] == 1800 and data["token_max_ttl"] == 3600 and data["ocsp_enabled"] is False
    assert data["certificate"] == pki.root.pem
    keys = server.admin("LIST", "auth/cert/certs").json()["data"]["keys"]
    assert "ci-runner" in keys and "strict-ext" in keys
    config = server.admin("GET", "auth/cert/config").json()["data"]
    assert config == {"disable_binding": False, "enable_identity_alias_metadata": False, "ocsp_cache_size": 0}


# -- acceptance 2: each bad input refused, the same way by both servers ----------------

def test_plain_http_has_no_client_certificate(server, pki):
    refused(server, server.login(None, base=server.plain_url), 400, NO_CERT)


def test_tls_without_a_client_certificate(server, pki):
    refused(server, server.login(None), 400, NO_CERT)


@pytest.mark.parametrize("which", ["expired", "future"])
def test_expired_and_not_yet_valid_certificates(server, pki, which):
    refused(server, server.login(getattr(pki, which)), 500, EXPIRED)


def test_a_chain_from_another_ca(server, pki):
    refused(server, server.login(pki.foreign), 400, UNTRUSTED)


def test_a_role_that_does_not_exist(server, pki):
    refused(server, server.login(pki.runner, name="no-such-role"), 400, UNTRUSTED)


def test_a_cn_and_sans_outside_the_role(server, pki):
    refused(server, server.login(pki.intruder), 400, NO_MATCH)


def test_a_wrong_required_extensions_value(server, pki):
    refused(server, server.login(pki.runner, name="strict-ext"), 400, NO_MATCH)


@pytest.mark.parametrize("certificate", ["not a pem", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", ""])
def test_a_corrupt_pem_in_a_role_write_stores_nothing(server, pki, certificate):
    answer = server.admin("POST", "auth/cert/certs/corrupt", {"certificate": certificate})
    refused(server, answer, 400, "failed to parse certificate")
    assert server.admin("GET", "auth/cert/certs/corrupt").status_code == 404


@pytest.mark.skipif(not IS_COFFER, reason="the audit line's client_certificate is Coffer's")
def test_refused_logins_have_audit_lines_naming_the_certificate(server, pki):
    server.login(pki.intruder)
    server.login(None, base=server.plain_url)
    responses = [line for line in server.audit_lines()
                 if line["type"] == "response" and line["request"]["path"] == "auth/cert/login" and line.get("error")]
    named = [line for line in responses if "client_certificate" in line["request"]]
    assert any(line["request"]["client_certificate"]["subject"].endswith("CN=intruder.example.net")
               or "intruder.example.net" in line["request"]["client_certificate"]["subject"] for line in named)
    assert any(line["error"] == NO_CERT and "client_certificate" not in line["request"] for line in responses)
    assert all("auth" not in line.get("response", {}) for line in responses)


# -- acceptance 3: CRL and OCSP ---------------------------------------------------------

def test_a_certificate_on_a_crl_is_refused(server, pki):
    assert server.login(pki.crl_victim).status_code == 200
    assert server.admin("POST", "auth/cert/crls/inter", {"crl": pki.crl}).status_code == 204
    try:
        serials = server.admin("GET", "auth/cert/crls/inter").json()["data"]["serials"]
        assert pki.crl_victim.serial_decimal() in serials
        refused(server, server.login(pki.crl_victim), 400, NO_MATCH)
        assert server.login(pki.runner).status_code == 200
        refused(server, server.admin("POST", "auth/cert/crls/junk", {"crl": "junk"}), 400, "failed to parse CRL")
    finally:
        server.admin("DELETE", "auth/cert/crls/inter")
    assert server.login(pki.crl_victim).status_code == 200


class CRLServer:
    """Serves one CRL file over HTTP, as a CA's distribution point would."""

    def __init__(self, directory: Path):
        import functools
        import http.server
        import threading

        self.path = directory / "served.crl"
        handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(directory))
        handler.log_message = lambda *args: None
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/served.crl"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()


def test_a_crl_fetched_from_a_url_is_refetched_after_next_update(server, pki, tmp_path):
    victim = pki.inter.issue("url-victim", "/O=Example/OU=platform/CN=ci-runner.example.com",
                             ["DNS:ci-runner.example.com", "email:ci@example.com", "URI:spiffe://example.com/ci/runner"],
                             extra=f"{RUNNER_OID}=ASN1:UTF8String:prod\n")
    served = CRLServer(tmp_path)
    try:
        # Due again in two seconds, before the victim is revoked.
        served.path.write_text(pki.inter.crl_pem(next_update_seconds=2))
        assert server.admin("POST", "auth/cert/crls/from-url", {"url": served.url}).status_code == 204
        assert server.login(victim).status_code == 200
        pki.inter.revoke(victim)
        served.path.write_text(pki.inter.crl_pem())
        time.sleep(2.5)
        if IS_COFFER:
            # Past NextUpdate: the next login fetches the CRL again and sees the victim.
            refused(server, server.login(victim), 400, NO_MATCH)
        # Written again by hand, the URL is fetched at once (both servers).
        assert server.admin("POST", "auth/cert/crls/from-url", {"url": served.url}).status_code == 204
        refused(server, server.login(victim), 400, NO_MATCH)
    finally:
        server.admin("DELETE", "auth/cert/crls/from-url")
        served.close()


def ocsp_role(server: TLSServer, pki: PKI, name: str, **settings) -> None:
    role = {"certificate": pki.root.pem, "token_policies": ["ci-read"], "ocsp_enabled": True,
            "allowed_common_names": ["ci-runner.example.com"], **settings}
    assert server.admin("POST", f"auth/cert/certs/{name}", role).status_code == 204


def test_ocsp_revoked_is_refused_and_good_passes(server, pki):
    ocsp_role(server, pki, "ocsp")
    assert server.login(pki.runner, name="ocsp").status_code == 200
    refused(server, server.login(pki.ocsp_victim, name="ocsp"), 400, NO_MATCH)


@pytest.mark.skipif(not IS_COFFER, reason=(
    "OpenBao 2.7.2 retries a dead responder 5 times (about 30 s a login) and then refuses the "
    "ocsp_fail_open role too, against its own documentation of the option (measured: 400 'no chain "
    "matching ...; additionally got errors during verification: ... giving up after 5 attempt(s)')"))
def test_ocsp_responder_down_fails_closed_unless_fail_open(server, pki):
    dead = f"http://127.0.0.1:{free_port()}"
    ocsp_role(server, pki, "ocsp-closed", ocsp_servers_override=[dead], ocsp_fail_open=False)
    ocsp_role(server, pki, "ocsp-open", ocsp_servers_override=[dead], ocsp_fail_open=True)
    refused(server, server.login(pki.runner, name="ocsp-closed"), 400, NO_MATCH)
    open_login = server.login(pki.runner, name="ocsp-open")
    assert open_login.status_code == 200, open_login.text


def test_ocsp_ca_certificates_is_kept_and_coffer_says_it_is_not_used(server, pki):
    role = {"certificate": pki.root.pem, "token_policies": ["ci-read"], "ocsp_enabled": True,
            "ocsp_ca_certificates": pki.root.pem}
    written = server.admin("POST", "auth/cert/certs/ocsp-ca", role)
    try:
        if IS_COFFER:
            # Coffer's OCSP check trusts the issuer and its delegated responders only: a warning, not silence.
            assert written.status_code == 200, written.text
            assert "ocsp_ca_certificates is stored but not used" in " ".join(written.json()["warnings"])
        else:
            assert written.status_code == 204, written.text
        stored = server.admin("GET", "auth/cert/certs/ocsp-ca").json()["data"]
        assert stored["ocsp_ca_certificates"] == pki.root.pem
    finally:
        server.admin("DELETE", "auth/cert/certs/ocsp-ca")


@pytest.mark.skipif(not IS_COFFER, reason="sys/explain/login is Coffer's")
def test_explain_login_runs_the_cert_decision_on_a_given_certificate(server, pki):
    def explain(leaf, issuer) -> dict:
        chain = leaf.pem + issuer.pem
        answer = server.admin("POST", "sys/explain/login", {"mount": "cert", "name": "ci-runner", "certificate": chain})
        assert answer.status_code == 200, answer.text
        return answer.json()["data"]

    granted = explain(pki.runner, pki.inter)
    assert granted["allowed"] is True and granted["refusal"] is None and granted["role"] == "ci-runner"
    assert "ci-read" in granted["policies"]
    refused = explain(pki.foreign, pki.other)
    failed = [check for check in refused["checks"] if check["outcome"] == "failed"]
    assert [check["name"] for check in failed] == ["chain"] and refused["refusal"] == [UNTRUSTED]
    bad = server.admin("POST", "sys/explain/login", {"mount": "cert", "certificate": "not a pem"})
    assert bad.status_code == 400 and "not a PEM certificate chain" in bad.text


# -- acceptance 4: hvac ------------------------------------------------------------------

def test_hvac_cert_login(server, pki):
    import hvac

    chain, key = pki.presented(pki.runner)
    client = hvac.Client(url=server.url, verify=str(pki.root.cert))
    answer = client.auth.cert.login(name="ci-runner", cert_pem=chain, key_pem=key)
    assert sorted(answer["auth"]["policies"]) == ["ci-read", "default"]
    assert client.is_authenticated()
    read = client.secrets.kv.v2.read_secret_version(path="ci/runner", mount_point="secret",
                                                    raise_on_deleted_version=True)
    assert (read["data"]["data"]["password"] == server.secret) is True


# -- binding on renew ----------------------------------------------------------------------

def test_renewal_needs_the_login_certificate(server, pki):
    token = Secret(server.login(pki.runner).json()["auth"]["client_token"])
    with_cert = server.api("POST", "auth/token/renew-self", {}, token=token, cert=pki.runner)
    assert with_cert.status_code == 200, with_cert.text
    without = server.api("POST", "auth/token/renew-self", {}, token=token)
    assert without.status_code >= 400 and "errors" in without.json()
    # Another certificate the role would take does not renew it either.
    other = server.api("POST", "auth/token/renew-self", {}, token=token, cert=pki.crl_victim)
    assert other.status_code >= 400


# -- TLS session resumption ---------------------------------------------------------------

def raw_login(server: TLSServer, context, session=None) -> tuple[int, object, bool]:
    """One login on a fresh connection that may resume `session`: status, the
    connection's session, and whether it was resumed."""
    import socket
    import ssl

    body = json.dumps({"name": "ci-runner"}).encode()
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as raw:
        with context.wrap_socket(raw, server_hostname="127.0.0.1", session=session) as tls:
            tls.sendall(b"POST /v1/auth/cert/login HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                        b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
            answer = b""
            while chunk := tls.recv(65536):
                answer += chunk
            return int(answer.split(b" ", 2)[1]), tls.session, tls.session_reused


def test_a_resumed_tls_session_still_logs_in_with_its_certificate(server, pki):
    import ssl

    context = ssl.create_default_context(cafile=str(pki.root.cert))
    context.load_cert_chain(*pki.presented(pki.runner))
    status, session, _ = raw_login(server, context)
    assert status == 200
    status, _, reused = raw_login(server, context, session)
    assert reused, "the client did not resume its TLS session"
    assert status == 200


# -- listener modes ---------------------------------------------------------------------

def test_a_listener_requiring_client_certificates_refuses_the_handshake_without_one(server, pki):
    health = "/v1/sys/health"
    with pytest.raises(requests.exceptions.SSLError):
        server.session.get(server.required_url + health, timeout=10)
    # A certificate from a CA the listener does not trust fails the handshake too.
    with pytest.raises(requests.exceptions.SSLError):
        server.session.get(server.required_url + health, cert=pki.presented(pki.foreign), timeout=10)
    assert server.session.get(server.required_url + health, cert=pki.presented(pki.runner), timeout=10).status_code == 200
    login = server.login(pki.runner, base=server.required_url)
    assert login.status_code == 200, login.text


def test_a_listener_with_client_certificates_disabled_never_sees_one(server, pki):
    refused(server, server.login(pki.runner, base=server.disabled_url), 400, NO_CERT)


# -- through a TLS-terminating proxy ---------------------------------------------------

def test_a_trusted_proxy_passes_on_the_client_certificate(server, pki):
    der_base64 = "".join(line for line in pki.runner.pem.splitlines() if not line.startswith("-----"))
    headers = {"X-Forwarded-Tls-Client-Cert": der_base64, "X-Forwarded-For": "10.1.2.3"}
    # The leaf alone reaches the root only with its intermediate, so role
    # `pinned-proxy` pins it: what matters here is which certificate arrives.
    pinned = {"certificate": pki.runner.pem, "token_policies": ["ci-read"]}
    assert server.admin("POST", "auth/cert/certs/pinned-proxy", pinned).status_code == 204
    try:
        body = {"name": "pinned-proxy"}
        proxied = server.session.post(server.proxied_url + "/v1/auth/cert/login", json=body, headers=headers)
        assert proxied.status_code == 200, proxied.text
        assert proxied.json()["auth"]["metadata"]["common_name"] == "ci-runner.example.com"
        # From an address not in x_forwarded_for_authorized_addrs the header is ignored.
        untrusted = server.session.post(server.untrusted_url + "/v1/auth/cert/login", json=body, headers=headers)
        refused(server, untrusted, 400, NO_CERT)
    finally:
        server.admin("DELETE", "auth/cert/certs/pinned-proxy")


# -- our CLI -----------------------------------------------------------------------------

@pytest.mark.skipif(not IS_COFFER, reason="Coffer's own CLI")
def test_coffer_login_method_cert(server, pki):
    chain, key = pki.presented(pki.runner)
    env = dict(server.env, VAULT_ADDR=server.url, VAULT_CACERT=str(pki.root.cert))
    done = subprocess.run([str(coffer_bin()), "login", "-method=cert", f"-client-cert={chain}", f"-client-key={key}",
                           "-token-only", "name=ci-runner"], capture_output=True, text=True, env=env, timeout=60,
                          stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    token = Secret(done.stdout.strip())
    assert server.api("GET", "secret/data/ci/runner", token=token).status_code == 200
