"""`sys/generate-root-token/*` and `operator generate-root` (issue 22): a quorum of
unseal key shares makes a new root token, handed back XORed with a one-time
password. OpenBao 2.7 serves these authenticated endpoints (its unauthenticated
`sys/generate-root/*` is off by default). The server tests run against Coffer and
OpenBao (E2E_SERVER=bao); the CLI tests run `coffer` and `bao` against the same
server. A dev server of this module's own: the attempt is server-wide state."""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import time

import pytest

from conftest import IS_COFFER, bao_bin, coffer_bin, start_dev_server

OTP_LENGTH = 26  # "s." and 24 characters: the length of the tokens both servers mint


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    server = start_dev_server(tmp_path_factory.mktemp("genroot"))
    yield server
    server.kill()


@pytest.fixture(scope="module")
def unseal_key(server) -> str:
    # The banner can come a moment after the listener answers.
    deadline = time.monotonic() + 10
    while not (found := re.search(r"Unseal Key: (\S+)", server.output())) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert found, "the dev server prints its unseal key"
    return found.group(1)


@pytest.fixture(autouse=True)
def no_attempt_left(server):
    server.http("DELETE", "sys/generate-root-token/attempt")
    yield
    server.http("DELETE", "sys/generate-root-token/attempt")


def decode(encoded: str, otp: str) -> str:
    mixed = base64.b64decode(encoded + "=" * (-len(encoded) % 4))
    return bytes(a ^ b for a, b in zip(mixed, otp.encode())).decode()


def status(server) -> dict:
    answer = server.http("GET", "sys/generate-root-token/attempt")
    assert answer.status_code == 200, answer.text
    return answer.json()["data"]


def test_a_quorum_of_shares_gives_a_working_root_token(server, unseal_key):
    assert status(server) == {"started": False, "complete": False, "progress": 0, "required": 1, "otp": "",
                              "otp_length": OTP_LENGTH}
    started = server.http("PUT", "sys/generate-root-token/attempt", body={})
    assert started.status_code == 200, started.text
    attempt = started.json()["data"]
    otp, nonce = attempt["otp"], attempt["nonce"]
    assert len(otp) == OTP_LENGTH and attempt["started"] is True and attempt["progress"] == 0
    # The generated OTP is shown once, at the start; the status never repeats it.
    assert status(server)["otp"] == "" and status(server)["nonce"] == nonce

    done = server.http("PUT", "sys/generate-root-token/update", body={"key": unseal_key, "nonce": nonce})
    assert done.status_code == 200, done.text
    result = done.json()["data"]
    assert result["complete"] is True and result["progress"] == 1 and result["required"] == 1
    token = decode(result["encoded_token"], otp)
    assert token != "root" and token.startswith("s.")
    looked_up = server.http("GET", "auth/token/lookup-self", token=token).json()["data"]
    assert looked_up["policies"] == ["root"] and looked_up["ttl"] == 0
    # The attempt is over once its token is out.
    assert status(server)["started"] is False
    # sys/decode-token gives the same token back.
    decoded = server.http("PUT", "sys/decode-token", body={"encoded_token": result["encoded_token"], "otp": otp})
    assert decoded.status_code == 200 and decoded.json()["data"]["token"] == token


def test_a_caller_chosen_otp_is_used_and_not_echoed(server, unseal_key):
    otp = "A" * OTP_LENGTH
    started = server.http("PUT", "sys/generate-root-token/attempt", body={"otp": otp}).json()["data"]
    assert started["otp"] == "" and started["started"] is True
    result = server.http("PUT", "sys/generate-root-token/update",
                         body={"key": unseal_key, "nonce": started["nonce"]}).json()["data"]
    token = decode(result["encoded_token"], otp)
    assert server.http("GET", "auth/token/lookup-self", token=token).status_code == 200


def test_refusals_leave_no_token_and_keep_the_attempt(server, unseal_key):
    def put(path, body):
        return server.http("PUT", f"sys/generate-root-token/{path}", body=body)

    short = put("attempt", {"otp": "abc"})
    assert short.status_code == 400 and short.json()["errors"] == ["OTP string has incorrect length"]
    nonce = put("attempt", {}).json()["data"]["nonce"]
    again = put("attempt", {})
    assert again.status_code == 400 and again.json()["errors"] == ["root generation already in progress for this namespace"]
    assert put("update", {"key": unseal_key}).json()["errors"] == ["nonce is required"]
    assert put("update", {"nonce": nonce}).json()["errors"] == ["key is required"]

    # OpenBao answers these with a 500 and a multierror text; Coffer with a 400
    # (they are the caller's mistakes). The reason is the same.
    def refused(answer, reason):
        assert answer.status_code == (400 if IS_COFFER else 500), answer.text
        assert reason in answer.json()["errors"][0]

    refused(put("update", {"key": "not-a-key!", "nonce": nonce}), "'key' must be a valid hex or base64 string")
    refused(put("update", {"key": "abcd", "nonce": nonce}), "invalid key: key is shorter than minimum 16 bytes")
    refused(put("update", {"key": unseal_key, "nonce": "wrong"}),
            f'incorrect nonce supplied; nonce for this root generation operation is "{nonce}"')
    wrong_key = base64.b64encode(os.urandom(len(base64.b64decode(unseal_key)))).decode()
    refused(put("update", {"key": wrong_key, "nonce": nonce}), "root generation aborted")
    # The attempt survives a wrong key, with its progress reset: the right key still works.
    assert status(server)["started"] is True and status(server)["progress"] == 0
    assert put("update", {"key": unseal_key, "nonce": nonce}).json()["data"]["complete"] is True


def test_cancel_discards_the_attempt(server):
    server.http("PUT", "sys/generate-root-token/attempt", body={})
    assert server.http("DELETE", "sys/generate-root-token/attempt").status_code == 204
    assert status(server)["started"] is False


def test_generating_a_root_token_needs_a_policy_for_it(server):
    token = server.http("POST", "auth/token/create", body={"policies": ["default"]}).json()["auth"]["client_token"]
    assert server.http("PUT", "sys/generate-root-token/attempt", token=token, body={}).status_code == 403
    assert status(server)["started"] is False


# -- the CLI, coffer beside bao ------------------------------------------------

def cli(kind: str, server, *args: str, input: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BAO_", "VAULT_"))}
    env.update(VAULT_ADDR=server.url, BAO_ADDR=server.url, VAULT_TOKEN="root", BAO_TOKEN="root",
               HOME=str(server.workdir))
    binary = coffer_bin() if kind == "coffer" else bao_bin()
    return subprocess.run([str(binary), *args], capture_output=True, text=True, env=env, timeout=60,
                          input=input, stdin=None if input is not None else subprocess.DEVNULL)


@pytest.mark.parametrize("kind", ["coffer", "bao"])
def test_the_cli_flow_makes_a_root_token(kind, server, unseal_key):
    started = cli(kind, server, "operator", "generate-root", "-init", "-format=json")
    assert started.returncode == 0, started.stderr
    attempt = json.loads(started.stdout)
    assert sorted(attempt) == ["complete", "encoded_root_token", "encoded_token", "nonce", "otp", "otp_length",
                               "pgp_fingerprint", "progress", "required", "started"]
    given = cli(kind, server, "operator", "generate-root", "-format=json", f"-nonce={attempt['nonce']}", "-",
                input=unseal_key)
    assert given.returncode == 0, given.stderr
    result = json.loads(given.stdout)
    assert result["complete"] is True
    decoded = cli(kind, server, "operator", "generate-root", "-format=json", f"-decode={result['encoded_token']}",
                  f"-otp={attempt['otp']}")
    assert decoded.returncode == 0, decoded.stderr
    token = json.loads(decoded.stdout)["token"]
    assert server.http("GET", "auth/token/lookup-self", token=token).json()["data"]["policies"] == ["root"]


def compare(server, args, setup=None, json_output=False):
    outputs = {}
    for kind in ("coffer", "bao"):
        server.http("DELETE", "sys/generate-root-token/attempt")
        if setup:
            setup()
        result = cli(kind, server, "operator", "generate-root", *args)
        outputs[kind] = result
    coffer, bao = outputs["coffer"], outputs["bao"]
    assert coffer.returncode == bao.returncode, (coffer.stderr, bao.stderr)
    if json_output:
        scrub = lambda text: {k: v for k, v in json.loads(text).items() if k not in ("nonce", "otp")}
        assert scrub(coffer.stdout) == scrub(bao.stdout)
    else:
        assert coffer.stdout == bao.stdout
        assert coffer.stderr.replace(str(coffer_bin().name), "bao") == bao.stderr
    return coffer, bao


CLI_CASES = {
    "status": (["-status", "-format=json"], None, True),
    "status table": (["-status"], None, False),
    "cancel": (["-cancel"], None, False),
    "otp and pgp": (["-init", "-otp=x", "-pgp-key=y"], None, False),
    "too many": (["a", "b"], None, False),
    "no attempt": (["-nonce=x", "abc"], None, False),
    "no nonce": (["abc"], "start", False),
    "non-interactive": (["-non-interactive"], "start", False),
    "decode without otp": (["-decode=abc"], None, False),
    "decode wrong length": (["-decode=abc", "-otp=x"], None, False),
    "init bad otp": (["-init", "-otp=short"], None, False),
    "init twice": (["-init", "-format=json"], "start", False),
}


@pytest.mark.parametrize("name", list(CLI_CASES))
def test_coffer_answers_as_bao_does(name, server):
    args, setup, json_output = CLI_CASES[name]
    start = (lambda: server.http("PUT", "sys/generate-root-token/attempt", body={})) if setup == "start" else None
    if name in ("otp and pgp",):
        # bao reads -pgp-key as a file before anything else; both refuse, with their own words.
        coffer = cli("coffer", server, "operator", "generate-root", *args)
        bao = cli("bao", server, "operator", "generate-root", *args)
        assert coffer.returncode == bao.returncode == 1
        return
    if name == "init twice":
        outputs = {}
        for kind in ("coffer", "bao"):
            server.http("DELETE", "sys/generate-root-token/attempt")
            start()
            outputs[kind] = cli(kind, server, "operator", "generate-root", *args)
        assert outputs["coffer"].returncode == outputs["bao"].returncode == 2
        assert outputs["coffer"].stderr.replace(server.url, "URL") == outputs["bao"].stderr.replace(server.url, "URL")
        return
    compare(server, args, start, json_output)


def test_generate_otp_is_as_long_as_a_token(server):
    for kind in ("coffer", "bao"):
        result = cli(kind, server, "operator", "generate-root", "-generate-otp", "-format=json")
        assert result.returncode == 0, result.stderr
        answer = json.loads(result.stdout)
        assert answer["otp_length"] == OTP_LENGTH and len(answer["otp"]) == OTP_LENGTH


@pytest.mark.parametrize("path", ["generate-root/attempt", "generate-root/update", "rekey/init", "rekey/update",
                                  "rekey/verify"])
def test_the_old_unauthenticated_endpoints_are_refused(server, path):
    """OpenBao 2.7 turns these off by default: every method is a 405, with or without
    a token, so `operator rekey` (which still calls sys/rekey/*) fails the same way."""
    for method in ("GET", "PUT", "DELETE"):
        for token in (None, "root"):
            answer = server.http(method, f"sys/{path}", token=token, body={} if method == "PUT" else None)
            assert answer.status_code == 405 and answer.json() == {"errors": ["unsupported operation"]}, (method, token)
