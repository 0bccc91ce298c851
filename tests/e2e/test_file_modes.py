"""Files that hold secrets are owner-only from their first byte, and no planted
symlink redirects them (issue 12, item 8)."""

from __future__ import annotations

import os
import stat
import subprocess
import time
from pathlib import Path

import pytest
import requests

from conftest import DEV_ROOT_TOKEN, coffer_bin, coffer_only, free_port, new_session, random_name


def mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


@pytest.fixture
def permissive_umask():
    """The common default umask: without an explicit mode, files come out 0644."""
    old = os.umask(0o022)
    yield
    os.umask(old)


@coffer_only
def test_sqlite_database_and_companions_are_owner_only(config_server_factory, permissive_umask):
    server = config_server_factory()
    answer = server.init()
    server.unseal(answer["keys_base64"])
    server.wait_active()
    r = server.http("POST", "sys/mounts/fm", token=answer["root_token"], body={"type": "kv"})
    assert r.status_code == 204, r.text
    db = server.datadir / "coffer.db"
    for path in (db, Path(str(db) + "-wal"), Path(str(db) + "-shm")):
        assert path.exists(), path.name
        assert mode(path) == 0o600, (path.name, oct(mode(path)))


@coffer_only  # OpenBao enables audit devices from its config file only
def test_existing_audit_log_gets_the_device_mode(dev_server, tmp_path, permissive_umask):
    log = tmp_path / "audit.log"
    log.write_text("")
    log.chmod(0o644)
    device = random_name("fm")
    r = dev_server.http("PUT", f"sys/audit/{device}", body={"type": "file", "options": {"file_path": str(log)}})
    assert r.status_code == 204, r.text
    try:
        assert mode(log) == 0o600, oct(mode(log))
    finally:
        dev_server.http("DELETE", f"sys/audit/{device}")


@coffer_only
def test_new_audit_log_is_created_owner_only(dev_server, tmp_path, permissive_umask):
    log = tmp_path / "fresh-audit.log"
    device = random_name("fm")
    r = dev_server.http("PUT", f"sys/audit/{device}", body={"type": "file", "options": {"file_path": str(log)}})
    assert r.status_code == 204, r.text
    try:
        dev_server.http("GET", "sys/mounts")
        assert mode(log) == 0o600, oct(mode(log))
    finally:
        dev_server.http("DELETE", f"sys/audit/{device}")


@coffer_only
def test_symlink_planted_at_the_audit_path_is_refused(dev_server, tmp_path):
    target = tmp_path / "elsewhere.txt"
    target.write_text("")
    link = tmp_path / "audit-link.log"
    link.symlink_to(target)
    device = random_name("fm")
    r = dev_server.http("PUT", f"sys/audit/{device}", body={"type": "file", "options": {"file_path": str(link)}})
    if r.status_code == 204:
        dev_server.http("GET", "sys/mounts")
        dev_server.http("DELETE", f"sys/audit/{device}")
    assert r.status_code >= 400, r.status_code
    assert target.read_text() == "", "audit lines were written through the symlink"
    listed = dev_server.http("GET", "sys/audit").json()
    assert f"{device}/" not in listed


def coffer(server, home: Path, *args: str, token: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BAO_", "VAULT_", "COFFER_"))}
    env["VAULT_ADDR"] = server.url
    env["HOME"] = str(home)
    if token is not None:
        env["VAULT_TOKEN"] = token
    return subprocess.run([str(coffer_bin()), *args], capture_output=True, text=True, env=env, timeout=60,
                          stdin=subprocess.DEVNULL)


@coffer_only
def test_login_writes_the_token_file_owner_only_and_replaces_a_symlink(dev_server, tmp_path, permissive_umask):
    home = tmp_path / "home"
    home.mkdir()
    target = tmp_path / "victim.txt"
    target.write_text("unchanged")
    (home / ".vault-token").symlink_to(target)
    result = coffer(dev_server, home, "login", DEV_ROOT_TOKEN)
    assert result.returncode == 0, result.stderr
    helper = home / ".vault-token"
    assert not helper.is_symlink(), "the token was written through a planted symlink"
    assert target.read_text() == "unchanged"
    stored = helper.read_text() == DEV_ROOT_TOKEN
    assert stored, "the helper file does not hold the token"
    assert mode(helper) == 0o600, oct(mode(helper))
    assert not [p.name for p in home.iterdir() if p.name != ".vault-token"], "a temporary file was left behind"


ORG = "1b2c3d4e-0000-4000-8000-0000000000b2"


class Issuer:
    """`coffer ci-oidc serve` over plain HTTP on a free port."""

    def __init__(self, tmp: Path):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.keys = tmp / "keys"
        self.proc = subprocess.Popen(
            [str(coffer_bin()), "ci-oidc", "serve", "--org-id", ORG, "--listen", f"127.0.0.1:{self.port}",
             "--key-dir", str(self.keys)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=dict(os.environ, HOME=str(tmp)),
            start_new_session=True)
        deadline = time.monotonic() + 30
        while True:
            try:
                if new_session().get(self.jwks_url, timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.proc.kill()
                pytest.fail("ci-oidc serve did not start: " + self.proc.stderr.read().decode()[-2000:])
            time.sleep(0.05)

    @property
    def jwks_url(self) -> str:
        return f"{self.base}/org/{ORG}/.well-known/jwks-pub.json"


@pytest.fixture
def issuer(tmp_path, permissive_umask):
    server = Issuer(tmp_path)
    yield server
    server.proc.kill()
    server.proc.wait()


@coffer_only
def test_ci_oidc_key_files_are_owner_only(issuer):
    files = list(issuer.keys.iterdir())
    assert any(p.suffix == ".pem" for p in files) and any(p.name == "keys.json" for p in files)
    for path in files:
        assert mode(path) == 0o600, (path.name, oct(mode(path)))


@coffer_only
def test_jwks_get_on_an_empty_key_dir_creates_nothing(issuer):
    for path in issuer.keys.iterdir():
        path.unlink()
    for _ in range(3):
        r = new_session().get(issuer.jwks_url, timeout=5)
        assert r.status_code == 200, r.text
        assert r.json() == {"keys": []}
    assert list(issuer.keys.iterdir()) == [], "a JWKS GET created a key"
