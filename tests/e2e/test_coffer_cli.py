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
