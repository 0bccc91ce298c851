"""Whoever copies Coffer's SQLite files (backup, stolen disk, a `cp` of the
data dir) learns neither a secret value nor a token: the barrier encrypts
every value before it reaches storage, and tokens are stored under a keyed
hash of their id. (Storage paths, such as KV key names, stay readable, as in
Vault.)

Coffer-only: it inspects Coffer's own files. Failure messages name the file
only; the values themselves never reach the test output.
"""

from pathlib import Path

from conftest import Secret, coffer_only, random_value

pytestmark = coffer_only


def _storage_files(datadir: Path) -> dict[str, bytes]:
    """Every file under the data dir (coffer.db, -wal, -shm, -journal, ...)."""
    return {str(p.relative_to(datadir)): p.read_bytes()
            for p in sorted(datadir.rglob("*")) if p.is_file()}


def _needle_forms(value: str) -> list[bytes]:
    raw = value.encode()
    return [raw, raw.hex().encode()]


def _assert_absent(datadir: Path, needles: dict[str, str], when: str) -> None:
    files = _storage_files(datadir)
    names = sorted(files)  # never let pytest print `files`: it holds the raw bytes
    has_db = "coffer.db" in names
    assert has_db, f"{when}: no coffer.db in the data dir (files: {names})"
    total = sum(len(b) for b in files.values())
    assert total > 0, f"{when}: storage files are empty"
    for name, blob in files.items():
        for label, value in needles.items():
            found = any(form in blob for form in _needle_forms(value))
            assert not found, f"{when}: {label} found in plaintext in {name}"


def test_secret_values_and_tokens_never_reach_disk_in_plaintext(config_server_factory):
    server = config_server_factory()
    init = server.init(shares=3, threshold=2)
    server.unseal(init["keys_base64"][:2])
    server.mount("secret", "kv", options={"version": "2"})
    server.mount("kv1", "kv")

    v2_value, v1_value = random_value(40), random_value(40)
    v2_key, v1_key = Secret("k" + random_value(23)), Secret("k" + random_value(23))
    v2_field, v1_field = Secret("f" + random_value(15)), Secret("f" + random_value(15))

    r = server.http("POST", f"secret/data/{v2_key}", body={"data": {v2_field: v2_value}})
    assert r.status_code == 200, f"KV v2 write failed with {r.status_code}"
    r = server.http("POST", f"kv1/{v1_key}", body={v1_field: v1_value})
    assert r.status_code == 204, f"KV v1 write failed with {r.status_code}"

    r = server.http("POST", "auth/token/create", body={"policies": ["default"], "ttl": "1h"})
    assert r.status_code == 200, f"token create failed with {r.status_code}"
    child_token = Secret(r.json()["auth"]["client_token"])
    child_accessor = Secret(r.json()["auth"]["accessor"])

    needles = {
        "created token": child_token,
        "created token's accessor": child_accessor,
        "KV v2 secret value": v2_value,
        "KV v1 secret value": v1_value,
        # Key names are storage paths and stay readable, as in Vault; the values
        # and field names live inside encrypted blobs.
        "KV v2 field name": v2_field,
        "KV v1 field name": v1_field,
        "root token": server.root_token,  # a Secret (see conftest)
    }
    for i, (kb, kh) in enumerate(zip(init["keys_base64"], init["keys"])):
        needles[f"unseal key share #{i} (base64)"] = kb
        needles[f"unseal key share #{i} (hex)"] = kh

    # While running: the WAL and shared-memory files hold the newest pages.
    _assert_absent(server.datadir, needles, "while running")

    # After a clean stop (SIGTERM): checkpointed into coffer.db.
    code = server.stop()
    assert code is not None, "server did not stop within 15 s of SIGTERM"
    _assert_absent(server.datadir, needles, "after a clean stop")

    # And the scan was not vacuous: the data really is in those files.
    server.start()
    server.unseal(init["keys_base64"][1:3])
    r = server.http("GET", f"secret/data/{v2_key}")
    assert r.status_code == 200, f"KV v2 read after restart: {r.status_code}"
    ok = r.json()["data"]["data"] == {v2_field: v2_value}
    assert ok, "KV v2 value differs after restart"
    r = server.http("GET", f"kv1/{v1_key}")
    assert r.status_code == 200, f"KV v1 read after restart: {r.status_code}"
    ok = r.json()["data"] == {v1_field: v1_value}
    assert ok, "KV v1 value differs after restart"

    # Nor in the server's own output (DESIGN: never in a log line).
    log = server.output()
    for label, value in needles.items():
        found = value in log
        assert not found, f"{label} found in the server output"
