"""An operator's first day and a crash: init, unseal with the CLI, write secrets,
lose the process with SIGKILL, restart, unseal with other key holders, and find
everything still there."""

import json
import re

from conftest import random_value, redact_init_answer


def _progress(stdout: str) -> str | None:
    m = re.search(r"^Unseal Progress\s+(\S+)$", stdout, re.M)
    return m.group(1) if m else None


def _sealed(stdout: str) -> str | None:
    m = re.search(r"^Sealed\s+(true|false)$", stdout, re.M)
    return m.group(1) if m else None


def test_init_unseal_write_kill9_restart_unseal_read(config_server_factory):
    server = config_server_factory()

    # The server starts uninitialized: status says so and exits 2.
    out = server.bao("status", token=None)
    assert out.returncode == 2, out.stdout + out.stderr
    assert re.search(r"^Initialized\s+false$", out.stdout, re.M), out.stdout

    out = server.bao("operator", "init", "-key-shares=5", "-key-threshold=3",
                     "-format=json", token=None)
    assert out.returncode == 0, out.stderr
    init = redact_init_answer(json.loads(out.stdout))
    keys_b64, keys_hex = init["unseal_keys_b64"], init["unseal_keys_hex"]
    assert len(keys_b64) == 5 and len(keys_hex) == 5
    assert len(set(keys_b64)) == 5
    assert init["unseal_shares"] == 5 and init["unseal_threshold"] == 3
    root = init["root_token"]
    assert isinstance(root, str) and root
    server.root_token = root

    # Initialized but sealed: exit 2.
    out = server.bao("status", token=None)
    assert out.returncode == 2, out.stdout + out.stderr
    assert _sealed(out.stdout) == "true", out.stdout
    assert _progress(out.stdout) == "0/3", out.stdout

    # Three different holders, mixing the hex and base64 forms.
    for i, key in enumerate([keys_hex[0], keys_b64[1], keys_hex[2]], start=1):
        out = server.bao("operator", "unseal", key, token=None)
        assert out.returncode == 0, out.stderr
        if i < 3:
            assert _sealed(out.stdout) == "true", out.stdout
            assert _progress(out.stdout) == f"{i}/3", out.stdout
        else:
            assert _sealed(out.stdout) == "false", out.stdout
    server.wait_active()

    out = server.bao("status", token=None)
    assert out.returncode == 0, out.stdout + out.stderr
    assert _sealed(out.stdout) == "false", out.stdout

    # Secrets: KV v2 at secret/, KV v1 at kv1/.
    password, app_token = random_value(32), random_value(32)
    for args in (["secrets", "enable", "-path=secret", "kv-v2"],
                 ["secrets", "enable", "-path=kv1", "kv"]):
        out = server.bao(*args)
        assert out.returncode == 0, out.stderr
    server.wait_kv2_ready("secret")  # OpenBao: a new KV v2 mount is briefly "upgrading"
    out = server.bao("kv", "put", "secret/x", f"password={password}")
    assert out.returncode == 0, "bao kv put failed: " + out.stderr.replace(password, "<secret>")
    out = server.bao("write", "kv1/app", f"token={app_token}")
    assert out.returncode == 0, "bao write failed: " + out.stderr.replace(app_token, "<secret>")
    assert "Success! Data written to: kv1/app" in out.stdout

    # Crash: no chance to flush or close anything.
    server.kill()  # SIGKILL
    server.start()

    out = server.bao("status", token=None)
    assert out.returncode == 2, out.stdout + out.stderr
    assert _sealed(out.stdout) == "true", out.stdout
    assert re.search(r"^Initialized\s+true$", out.stdout, re.M), out.stdout

    # Other holders this time (shares 3, 4, 5).
    for i, key in enumerate([keys_b64[2], keys_hex[3], keys_b64[4]], start=1):
        out = server.bao("operator", "unseal", key, token=None)
        assert out.returncode == 0, out.stderr
        assert _sealed(out.stdout) == ("false" if i == 3 else "true"), out.stdout
    server.wait_active()

    out = server.bao("kv", "get", "-field=password", "secret/x")
    assert out.returncode == 0, out.stderr
    ok = out.stdout == password  # -field prints the raw value, no newline
    assert ok, "bao kv get -field=password secret/x did not print the value written before the crash"

    out = server.bao("read", "-field=token", "kv1/app")
    assert out.returncode == 0, out.stderr
    ok = out.stdout == app_token
    assert ok, "bao read -field=token kv1/app did not print the value written before the crash"

    out = server.bao("secrets", "list")
    assert out.returncode == 0, out.stderr
    assert re.search(r"^secret/\s+kv\s", out.stdout, re.M), out.stdout
    assert re.search(r"^kv1/\s+kv\s", out.stdout, re.M), out.stdout

    # Nothing secret was logged on the way (DESIGN: never in a log line).
    log = server.output()
    for label, value in (("root token", root), ("KV v2 secret", password),
                         ("KV v1 secret", app_token)):
        found = value in log
        assert not found, f"{label} appears in the server output"
    for n, (kb, kh) in enumerate(zip(keys_b64, keys_hex)):
        found = kb in log or kh in log
        assert not found, f"unseal key share #{n} appears in the server output"


def test_config_accepts_unknown_vault_key_with_warning(config_server_factory):
    # disable_mlock is in every Vault config people will copy; refusing it
    # would break those configs, silently ignoring it would hide typos.
    server = config_server_factory(persistent=False)
    r = server.http("GET", "sys/init", token=None)
    assert r.status_code == 200 and r.json() == {"initialized": False}
    log = server.output()
    assert "disable_mlock" in log, "no warning naming the ignored key disable_mlock:\n" + log[-2000:]
