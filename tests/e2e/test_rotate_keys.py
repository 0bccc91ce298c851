"""`sys/rotate/root/*` and `operator rotate-keys` (issue 22; the old `rekey`): a
quorum of the current unseal key shares makes a new root key and new shares;
from then on only the new shares unseal, with the data intact. With
`require_verification` the new shares replace the old only once a quorum of
them is given back. The server tests run against Coffer and OpenBao
(E2E_SERVER=bao); the CLI tests run `coffer` and `bao` against the same server.
Each test gets its own dev server: a rotation changes the keys for good."""

from __future__ import annotations

import json
import os
import re
import subprocess
import time

import pytest

from conftest import bao_bin, coffer_bin, start_dev_server


class Dev:
    """A dev server with its one unseal key share."""

    def __init__(self, workdir):
        self.server = start_dev_server(workdir)
        deadline = time.monotonic() + 10
        while not (found := re.search(r"Unseal Key: (\S+)", self.server.output())) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert found, "the dev server prints its unseal key"
        self.key = found.group(1)

    def http(self, *args, **kwargs):
        return self.server.http(*args, **kwargs)

    def data(self, method: str, path: str, body: dict | None = None) -> dict:
        answer = self.http(method, path, body=body)
        assert answer.status_code == 200, answer.text
        return answer.json()["data"]

    def refused(self, method: str, path: str, body: dict | None, words: str) -> None:
        answer = self.http(method, path, body=body)
        assert answer.status_code == 400, answer.text
        assert words in " ".join(answer.json()["errors"])

    def unseal_with(self, shares: list[str]) -> dict:
        self.http("PUT", "sys/unseal", body={"reset": True})
        status = {}
        for share in shares:
            status = self.http("PUT", "sys/unseal", body={"key": share}).json()
        return status


@pytest.fixture
def dev(tmp_path):
    server = Dev(tmp_path)
    yield server
    server.server.kill()


def test_new_shares_unseal_the_same_data_and_the_old_ones_no_longer_do(dev):
    dev.http("POST", "secret/data/kept", body={"data": {"value": "before the rotation"}})
    assert dev.data("GET", "sys/rotate/root/init") == {"n": 0, "t": 0, "started": False, "required": 1}

    started = dev.data("PUT", "sys/rotate/root/init", {"secret_shares": 3, "secret_threshold": 2})
    assert started["started"] is True and (started["n"], started["t"], started["required"]) == (3, 2, 1)
    assert started["progress"] == 0 and started["verification_required"] is False
    done = dev.data("PUT", "sys/rotate/root/update", {"key": dev.key, "nonce": started["nonce"]})
    assert done["complete"] is True and done["nonce"] == started["nonce"]
    assert len(done["keys"]) == 3 and len(done["keys_base64"]) == 3 and done["verification_required"] is False
    assert dev.data("GET", "sys/rotate/root/init") == {"n": 0, "t": 0, "started": False, "required": 2}
    seal = dev.http("GET", "sys/seal-status").json()
    assert (seal["n"], seal["t"]) == (3, 2)

    assert dev.http("PUT", "sys/seal").status_code == 204
    # The old share with a new one rebuilds no key; the old one alone is below the threshold now.
    assert "errors" in dev.unseal_with([dev.key, done["keys"][0]])
    assert dev.http("GET", "sys/seal-status").json()["sealed"] is True
    assert dev.unseal_with(done["keys_base64"][:1])["sealed"] is True  # one share is below the threshold
    assert dev.unseal_with([done["keys"][2], done["keys_base64"][0]])["sealed"] is False
    assert dev.data("GET", "secret/data/kept")["data"] == {"value": "before the rotation"}


def test_with_verification_the_old_shares_stay_until_the_new_ones_come_back(dev):
    started = dev.data("PUT", "sys/rotate/root/init", {"secret_shares": 2, "secret_threshold": 2,
                                                      "require_verification": True})
    made = dev.data("PUT", "sys/rotate/root/update", {"key": dev.key, "nonce": started["nonce"]})
    assert made["complete"] is True and made["verification_required"] is True and made["verification_nonce"]
    assert dev.http("GET", "sys/seal-status").json()["t"] == 1  # not installed yet

    verification = dev.data("GET", "sys/rotate/root/verify")
    assert verification == {"n": 2, "t": 2, "started": True, "nonce": made["verification_nonce"], "progress": 0}
    # A share that is not one of the new ones (one byte changed): the verification starts over under a new nonce.
    altered = bytes.fromhex(made["keys"][1])
    altered = (bytes([altered[0] ^ 1]) + altered[1:]).hex()
    dev.data("PUT", "sys/rotate/root/verify", {"key": made["keys"][0], "nonce": made["verification_nonce"]})
    dev.refused("PUT", "sys/rotate/root/verify", {"key": altered, "nonce": made["verification_nonce"]},
                "rotation verification failed; incorrect key shares supplied")
    renewed = dev.data("GET", "sys/rotate/root/verify")["nonce"]
    assert renewed != made["verification_nonce"]
    dev.refused("PUT", "sys/rotate/root/verify", {"key": made["keys"][0], "nonce": made["verification_nonce"]},
                "incorrect nonce supplied")

    dev.data("PUT", "sys/rotate/root/verify", {"key": made["keys"][0], "nonce": renewed})
    verified = dev.data("PUT", "sys/rotate/root/verify", {"key": made["keys_base64"][1], "nonce": renewed})
    assert verified == {"complete": True, "nonce": renewed}
    assert dev.http("GET", "sys/seal-status").json()["t"] == 2
    dev.http("PUT", "sys/seal")
    assert dev.unseal_with(made["keys"])["sealed"] is False


def test_bad_requests_change_nothing(dev):
    for body, words in [({"secret_shares": 1, "secret_threshold": 2}, "invalid rotate seal configuration"),
                        ({"secret_shares": 300, "secret_threshold": 2}, "invalid rotate seal configuration"),
                        ({"secret_shares": 3, "secret_threshold": 1}, "invalid rotate seal configuration"),
                        ({}, "invalid rotate seal configuration")]:
        dev.refused("PUT", "sys/rotate/root/init", body, words)
    assert dev.data("GET", "sys/rotate/root/init")["started"] is False
    dev.refused("PUT", "sys/rotate/root/update", {"key": dev.key, "nonce": "x"}, "no rotation in progress")
    dev.refused("GET", "sys/rotate/root/verify", None, "no rotation configuration found")

    nonce = dev.data("PUT", "sys/rotate/root/init", {"secret_shares": 1, "secret_threshold": 1})["nonce"]
    dev.refused("PUT", "sys/rotate/root/init", {"secret_shares": 1, "secret_threshold": 1}, "rotation already in progress")
    dev.refused("PUT", "sys/rotate/root/update", {"key": dev.key, "nonce": "other"}, "incorrect nonce supplied")
    dev.refused("PUT", "sys/rotate/root/update", {"key": dev.key}, "missing required field 'nonce'")
    dev.refused("PUT", "sys/rotate/root/update", {"key": "zz", "nonce": nonce}, "'key' must be a valid hex or base64 string")
    # A well-formed share of another key: refused, and the server keeps its key.
    dev.refused("PUT", "sys/rotate/root/update", {"key": "ab" * 32, "nonce": nonce}, "failed to read root key")
    assert dev.data("GET", "sys/rotate/root/init")["progress"] == 0
    assert dev.http("DELETE", "sys/rotate/root/init").status_code == 204
    assert dev.data("GET", "sys/rotate/root/init")["started"] is False
    dev.http("PUT", "sys/seal")
    assert dev.unseal_with([dev.key])["sealed"] is False


def test_rotating_needs_a_policy_for_it(dev):
    token = dev.http("POST", "auth/token/create", body={"policies": ["default"]}).json()["auth"]["client_token"]
    assert dev.http("PUT", "sys/rotate/root/init", token=token, body={"secret_shares": 1, "secret_threshold": 1}).status_code == 403
    assert dev.data("GET", "sys/rotate/root/init")["started"] is False


# -- the CLI, coffer beside bao ------------------------------------------------

def cli(kind: str, dev: Dev, *args: str, input: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BAO_", "VAULT_"))}
    env.update(VAULT_ADDR=dev.server.url, BAO_ADDR=dev.server.url, VAULT_TOKEN="root", BAO_TOKEN="root",
               HOME=str(dev.server.workdir))
    binary = coffer_bin() if kind == "coffer" else bao_bin()
    return subprocess.run([str(binary), *args], capture_output=True, text=True, env=env, timeout=60,
                          input=input, stdin=None if input is not None else subprocess.DEVNULL)


@pytest.mark.parametrize("kind", ["coffer", "bao"])
def test_the_cli_rotates_the_keys(kind, dev):
    started = cli(kind, dev, "operator", "rotate-keys", "-init", "-key-shares=3", "-key-threshold=2", "-format=json")
    assert started.returncode == 0, started.stderr
    attempt = json.loads(started.stdout)
    assert sorted(attempt) == ["backup", "n", "nonce", "pgp_fingerprints", "progress", "required", "started", "t",
                               "verification_nonce", "verification_required"]
    assert (attempt["n"], attempt["t"], attempt["started"]) == (3, 2, True)

    table = cli(kind, dev, "operator", "rotate-keys", "-status")
    assert table.returncode == 0 and re.search(r"New Shares\s+3", table.stdout) and re.search(r"Progress\s+0/1", table.stdout)

    given = cli(kind, dev, "operator", "rotate-keys", f"-nonce={attempt['nonce']}", "-", input=dev.key)
    assert given.returncode == 0, given.stderr
    keys = re.findall(r"^Key \d: (\S+)$", given.stdout, re.MULTILINE)
    assert len(keys) == 3 and f"Operation nonce: {attempt['nonce']}" in given.stdout
    assert dev.key not in given.stdout + given.stderr

    dev.http("PUT", "sys/seal")
    assert dev.unseal_with(keys[1:])["sealed"] is False


@pytest.mark.parametrize("kind", ["coffer", "bao"])
def test_the_cli_verifies_new_keys_and_refuses_without_a_rotation(kind, dev):
    missing = cli(kind, dev, "operator", "rotate-keys", "-nonce=x", dev.key)
    assert missing.returncode != 0 and "No rotation is in progress" in missing.stderr

    assert cli(kind, dev, "operator", "rotate-keys", "-init", "-verify", "-key-shares=1", "-key-threshold=1").returncode == 0
    nonce = json.loads(cli(kind, dev, "operator", "rotate-keys", "-status", "-format=json").stdout)["nonce"]
    made = json.loads(cli(kind, dev, "operator", "rotate-keys", f"-nonce={nonce}", "-format=json", dev.key).stdout)
    assert made["verification_required"] is True
    check = json.loads(cli(kind, dev, "operator", "rotate-keys", "-verify", "-status", "-format=json").stdout)
    assert check["nonce"] == made["verification_nonce"] and check["started"] is True
    verified = cli(kind, dev, "operator", "rotate-keys", "-verify", f"-nonce={check['nonce']}", made["keys_base64"][0])
    assert verified.returncode == 0, verified.stderr
    assert dev.http("GET", "sys/seal-status").json()["n"] == 1
    dev.http("PUT", "sys/seal")
    assert dev.unseal_with(made["keys_base64"])["sealed"] is False
