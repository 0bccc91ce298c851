"""A server on PostgreSQL storage: the test cluster that ./scripts/test starts
(scripts/pg-test-cluster, TLS with sslmode=verify-full), OpenBao's table layout,
nothing but ciphertext in the table, and data that survives `kill -9`.

Runs against Coffer and against OpenBao (its own `postgresql` backend) on the
same database, each in a table of its own."""

import os
import subprocess
from pathlib import Path

import pytest

from conftest import (IS_COFFER, Server, _start_with_retries, bao_bin, coffer_bin, free_port,
                      random_name, random_value)

PG_URL = os.environ.get("COFFER_TEST_PG_URL")
PG_DIR = os.environ.get("COFFER_TEST_PG_DIR")
PG_BIN = os.environ.get("COFFER_TEST_PG_BIN", "")

pytestmark = pytest.mark.skipif(
    not PG_URL and os.environ.get("CI") != "true",
    reason="no test PostgreSQL: run through ./scripts/test, which starts one (in CI this fails instead)")


def _psql(sql: str) -> str:
    """Runs SQL as the cluster's superuser; the URL carries the password."""
    assert PG_URL, "COFFER_TEST_PG_URL is not set: ./scripts/test starts the cluster"
    out = subprocess.run([str(Path(PG_BIN) / "psql"), PG_URL, "-qAtX", "-c", sql],
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    return out.stdout


def _start(workdir: Path, table: str, url_in_env: bool) -> Server:
    assert PG_URL, "COFFER_TEST_PG_URL is not set: ./scripts/test starts the cluster"

    def make() -> Server:
        port = free_port()
        url_line = "" if url_in_env else f'  connection_url = "{PG_URL}"\n'
        config = (f'storage "postgresql" {{\n{url_line}  table = "{table}"\n}}\n'
                  f'listener "tcp" {{\n  address = "127.0.0.1:{port}"\n  tls_disable = true\n}}\n'
                  "disable_mlock = true\n")
        cfg = workdir / "server.hcl"
        cfg.write_text(config)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("BAO_", "VAULT_"))}
        env["HOME"] = str(workdir)
        if url_in_env:
            env["COFFER_PG_CONNECTION_URL" if IS_COFFER else "BAO_PG_CONNECTION_URL"] = PG_URL
        binary = coffer_bin() if IS_COFFER else bao_bin()
        return Server("coffer" if IS_COFFER else "bao", [str(binary), "server", f"-config={cfg}"], port, workdir, env=env)

    return _start_with_retries(make)


def test_server_on_postgresql_keeps_secrets_encrypted_and_across_kill9(tmp_path):
    table = random_name("kv").replace("-", "_")
    if not IS_COFFER:
        # OpenBao creates no table of its own: make it with its documented layout.
        _psql(f'CREATE TABLE "{table}" (parent_path TEXT COLLATE "C" NOT NULL, path TEXT COLLATE "C", '
              f'key TEXT COLLATE "C", value BYTEA, CONSTRAINT "{table}_pkey" PRIMARY KEY (path, key)); '
              f'CREATE INDEX ON "{table}" (parent_path)')
    # The URL (with its password) comes from the environment, not the file.
    server = _start(tmp_path, table, url_in_env=True)
    assert PG_URL.split("@")[0] not in (tmp_path / "server.hcl").read_text()
    init = server.init(shares=1, threshold=1)
    server.unseal(init["keys_base64"])
    assert server.bao("secrets", "enable", "-path=secret", "kv-v2").returncode == 0
    server.wait_kv2_ready("secret")
    password = random_value(32)
    out = server.bao("kv", "put", "secret/ci/db", f"password={password}")
    assert out.returncode == 0, out.stderr.replace(password, "<secret>")

    # OpenBao's layout: parent path, path, key; a KV entry sits under logical/<uuid>/.
    rows = _psql(f'SELECT parent_path, path, key FROM "{table}" WHERE path = \'/core/\' AND key = \'keyring\'')
    assert rows.strip() == "/|/core/|keyring", rows
    # Only ciphertext in the table: neither the value nor its base64 form.
    dump = _psql(f'SELECT encode(value, \'escape\') FROM "{table}"')
    assert password not in dump, "a KV secret is stored in plaintext in PostgreSQL"

    server.kill()
    server.start()
    server.unseal(init["keys_base64"])
    out = server.bao("kv", "get", "-field=password", "secret/ci/db")
    assert out.returncode == 0, out.stderr
    ok = out.stdout == password
    assert ok, "the secret written before kill -9 did not come back from PostgreSQL"
    server.stop()


@pytest.mark.skipif(not IS_COFFER, reason="Coffer's own checks of its storage config")
def test_bad_postgresql_settings_stop_the_server_with_a_clear_message(tmp_path):
    bad = tmp_path / "bad.hcl"
    bad.write_text('storage "postgresql" {\n  connection_url = "postgres://x@127.0.0.1:1/db?sslmode=disable&connect_timeout=1"\n'
                   '  table = "kv; DROP TABLE users"\n}\nlistener "tcp" {\n  address = "127.0.0.1:0"\n  tls_disable = true\n}\n')
    out = subprocess.run([str(coffer_bin()), "server", f"-config={bad}"], capture_output=True, text=True, timeout=30)
    assert out.returncode != 0
    assert "plain SQL name" in out.stdout + out.stderr

    unreachable = tmp_path / "unreachable.hcl"
    unreachable.write_text('storage "postgresql" {\n  connection_url = "postgres://x:hunter22@127.0.0.1:1/db?sslmode=disable&connect_timeout=1"\n}\n'
                           'listener "tcp" {\n  address = "127.0.0.1:0"\n  tls_disable = true\n}\n')
    out = subprocess.run([str(coffer_bin()), "server", f"-config={unreachable}"], capture_output=True, text=True, timeout=30)
    assert out.returncode != 0
    text = out.stdout + out.stderr
    assert "PostgreSQL" in text
    assert "hunter22" not in text, "the database password appears in the error"
