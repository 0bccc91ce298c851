"""Coffer's own CLI, with Vault's spellings, against a running server."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from conftest import DEV_ROOT_TOKEN, coffer_bin, coffer_only, random_name, random_value, redact_init_answer

pytestmark = coffer_only


def coffer(server, *args: str, token: str | None = DEV_ROOT_TOKEN, input: str | None = None,
           extra_env: dict | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BAO_", "VAULT_", "COFFER_"))}
    env["VAULT_ADDR"] = server.url
    env["HOME"] = str(server.workdir)
    if token is not None:
        env["VAULT_TOKEN"] = token
    env.update(extra_env or {})
    return subprocess.run([str(coffer_bin()), *args], capture_output=True, text=True, env=env, timeout=60,
                          input=input, stdin=None if input is not None else subprocess.DEVNULL)


def test_status_reports_unsealed_dev_server(dev_server):
    result = coffer(dev_server, "status")
    assert result.returncode == 0, result.stderr
    assert any(line.split()[:2] == ["Sealed", "false"] for line in result.stdout.splitlines())
    as_json = json.loads(coffer(dev_server, "status", "-format=json").stdout)
    assert as_json["sealed"] is False and as_json["initialized"] is True


def test_write_read_list_delete_with_vault_spellings(dev_server, tmp_path):
    mount = random_name("cli")
    assert coffer(dev_server, "write", f"sys/mounts/{mount}", "type=kv").returncode == 0
    value = random_value(30)
    (tmp_path / "note.txt").write_text("from a file")
    written = coffer(dev_server, "write", f"{mount}/app", f"token={value}", f"note=@{tmp_path / 'note.txt'}")
    assert written.returncode == 0, written.stderr
    assert "Success! Data written to" in written.stdout

    field = coffer(dev_server, "read", "-field=token", f"{mount}/app")
    assert field.returncode == 0, field.stderr
    matches = field.stdout == value  # no trailing newline, like vault -field
    assert matches, "read -field did not print the stored value exactly"
    assert coffer(dev_server, "read", "-field=note", f"{mount}/app").stdout == "from a file"

    as_json = json.loads(coffer(dev_server, "read", "-format=json", f"{mount}/app").stdout)
    assert sorted(as_json["data"]) == ["note", "token"]

    listed = coffer(dev_server, "list", f"{mount}/")
    assert listed.returncode == 0 and "app" in listed.stdout.split()

    assert coffer(dev_server, "delete", f"{mount}/app").returncode == 0
    missing = coffer(dev_server, "read", f"{mount}/app")
    assert missing.returncode == 2
    assert "No value found at" in missing.stderr


def test_kv2_write_from_stdin_json_and_errors_exit_2(dev_server):
    value = random_value(20)
    key = random_name("stdin")
    written = coffer(dev_server, "write", f"secret/data/{key}", "-", input=json.dumps({"data": {"pw": value}}))
    assert written.returncode == 0, written.stderr
    read = json.loads(coffer(dev_server, "read", "-format=json", f"secret/data/{key}").stdout)
    same = read["data"]["data"]["pw"] == value
    assert same, "the value read back differs from the value written"

    denied = coffer(dev_server, "read", "secret/data/x", token="not-a-token")
    assert denied.returncode == 2
    assert "Code: 403" in denied.stderr and "* permission denied" in denied.stderr


def test_operator_init_and_unseal_from_prompt(config_server_factory):
    server = config_server_factory()
    init = coffer(server, "operator", "init", "-key-shares=3", "-key-threshold=2", "-format=json", token=None)
    assert init.returncode == 0, init.stderr
    answer = redact_init_answer(json.loads(init.stdout))
    assert len(answer["unseal_keys_b64"]) == 3 and answer["unseal_threshold"] == 2
    sealed = coffer(server, "status", token=None)
    assert sealed.returncode == 2
    first = coffer(server, "operator", "unseal", answer["unseal_keys_hex"][0], token=None)
    assert first.returncode == 0 and "1/2" in first.stdout
    # No argument: the key is read from the prompt (stdin here, not a terminal).
    second = coffer(server, "operator", "unseal", token=None, input=answer["unseal_keys_b64"][2] + "\n")
    assert second.returncode == 0, second.stderr
    assert coffer(server, "status", token=None).returncode == 0
    assert coffer(server, "operator", "seal", token=answer["root_token"]).returncode == 0
    assert coffer(server, "status", token=None).returncode == 2


def test_kv_token_and_policy_commands(dev_server, tmp_path):
    key = random_name("clikv")
    value = random_value(20)
    put = coffer(dev_server, "kv", "put", f"secret/{key}", f"password={value}", "user=ci")
    assert put.returncode == 0, put.stderr
    got = coffer(dev_server, "kv", "get", "-field=password", f"secret/{key}")
    matches = got.stdout == value
    assert got.returncode == 0 and matches, "kv get -field did not print the stored value"
    assert coffer(dev_server, "kv", "put", "-cas=1", f"secret/{key}", "password=again").returncode == 0
    stale = coffer(dev_server, "kv", "put", "-cas=1", f"secret/{key}", "password=stale")
    assert stale.returncode == 2 and "check-and-set" in stale.stderr
    assert coffer(dev_server, "kv", "patch", f"secret/{key}", "user=deploy").returncode == 0
    as_json = json.loads(coffer(dev_server, "kv", "get", "-format=json", f"secret/{key}").stdout)
    assert as_json["data"]["data"]["user"] == "deploy" and as_json["data"]["metadata"]["version"] == 3
    assert coffer(dev_server, "kv", "get", "-version=1", "-field=user", f"secret/{key}").stdout == "ci"
    assert coffer(dev_server, "kv", "delete", f"secret/{key}").returncode == 0
    assert coffer(dev_server, "kv", "get", f"secret/{key}").returncode == 2
    assert coffer(dev_server, "kv", "undelete", "-versions=3", f"secret/{key}").returncode == 0
    assert coffer(dev_server, "kv", "get", "-field=user", f"secret/{key}").stdout == "deploy"
    assert coffer(dev_server, "kv", "destroy", "-versions=1", f"secret/{key}").returncode == 0
    meta = json.loads(coffer(dev_server, "kv", "metadata", "get", "-format=json", f"secret/{key}").stdout)
    assert meta["data"]["versions"]["1"]["destroyed"] is True
    assert coffer(dev_server, "kv", "metadata", "put", "-max-versions=4", "-custom-metadata=owner=platform", f"secret/{key}").returncode == 0
    meta = json.loads(coffer(dev_server, "kv", "metadata", "get", "-format=json", f"secret/{key}").stdout)
    assert meta["data"]["max_versions"] == 4 and meta["data"]["custom_metadata"] == {"owner": "platform"}
    assert key in coffer(dev_server, "kv", "list", "secret/").stdout.split()

    policy = random_name("clipolicy")
    (tmp_path / "p.hcl").write_text(f'path "secret/data/{key}" {{ capabilities = ["read"] }}\n')
    assert coffer(dev_server, "policy", "fmt", str(tmp_path / "p.hcl")).returncode == 0
    assert coffer(dev_server, "policy", "write", policy, str(tmp_path / "p.hcl")).returncode == 0
    assert f"secret/data/{key}" in coffer(dev_server, "policy", "read", policy).stdout
    assert policy in coffer(dev_server, "policy", "list").stdout.split()

    created = json.loads(coffer(dev_server, "token", "create", f"-policy={policy}", "-ttl=15m", "-format=json").stdout)
    token = created["auth"]["client_token"]
    assert created["auth"]["lease_duration"] == 900
    assert coffer(dev_server, "token", "capabilities", f"secret/data/{key}", token=token).stdout.strip() == "read"
    looked = json.loads(coffer(dev_server, "token", "lookup", "-format=json", token=token).stdout)
    assert looked["data"]["policies"] == sorted([policy, "default"])
    assert coffer(dev_server, "kv", "get", "-field=user", f"secret/{key}", token=token).stdout == "deploy"
    assert coffer(dev_server, "token", "revoke", "-self", token=token).returncode == 0
    assert coffer(dev_server, "kv", "get", f"secret/{key}", token=token).returncode == 2
    assert coffer(dev_server, "policy", "delete", policy).returncode == 0

    mount = random_name("cli-secrets")
    assert coffer(dev_server, "secrets", "enable", f"-path={mount}", "-version=2", "kv").returncode == 0
    assert f"{mount}/" in coffer(dev_server, "secrets", "list").stdout
    assert coffer(dev_server, "secrets", "tune", "-max-lease-ttl=1h", mount).returncode == 0
    assert coffer(dev_server, "secrets", "disable", mount).returncode == 0


def test_login_stores_the_token_in_the_helper_file(dev_server):
    result = coffer(dev_server, "login", DEV_ROOT_TOKEN, token=None)
    assert result.returncode == 0, result.stderr
    stored = (dev_server.workdir / ".vault-token").read_text() == DEV_ROOT_TOKEN
    assert stored, "the token helper file does not hold the token"
    # Without VAULT_TOKEN, the helper file is used.
    assert coffer(dev_server, "read", "-format=json", "sys/mounts", token=None).returncode == 0
    (dev_server.workdir / ".vault-token").unlink()


def test_audit_enable_list_disable(dev_server, tmp_path):
    device = random_name("clifile")
    log = tmp_path / "cli-audit.log"
    enabled = coffer(dev_server, "audit", "enable", f"-path={device}", "file", f"file_path={log}")
    assert enabled.returncode == 0, enabled.stderr
    assert f"Success! Enabled the file audit device at: {device}/" in enabled.stdout
    try:
        listed = coffer(dev_server, "audit", "list")
        assert listed.returncode == 0, listed.stderr
        rows = [line.split() for line in listed.stdout.splitlines()]
        assert rows[0] == ["Path", "Type", "Description"]
        assert [f"{device}/", "file"] in [row[:2] for row in rows[2:]]
        as_json = json.loads(coffer(dev_server, "audit", "list", "-format=json").stdout)
        assert as_json[f"{device}/"]["options"]["file_path"] == str(log)
        # The list request itself is on record in the new device's file.
        assert any(json.loads(line)["request"]["path"] == "sys/audit" for line in log.read_text().splitlines())
    finally:
        disabled = coffer(dev_server, "audit", "disable", device)
    assert disabled.returncode == 0, disabled.stderr
    assert f"{device}/" not in json.loads(coffer(dev_server, "audit", "list", "-format=json").stdout or "{}")
