"""`coffer radar scan ... -correlate` (issue 23, acceptance 4): a secret planted in a repo
that Coffer also stores is reported as live at its path and version; one not stored is
not; one stored where the caller's token cannot read is not revealed; the scanner's
requests and Coffer's audit log hold no plaintext."""

from __future__ import annotations

import json
import os
import re
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests

from conftest import coffer_bin, coffer_only, random_name
from radar_samples import github_token, leaked

pytestmark = coffer_only


class RecordingProxy:
    """Forwards to the server and keeps every request the scanner sends."""

    def __init__(self, target: str):
        self.requests: list[tuple[str, str, bytes]] = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def _forward(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                proxy.requests.append((self.command, self.path, body))
                headers = {k: v for k, v in self.headers.items() if k.lower() in ("x-vault-token", "content-type")}
                session = requests.Session()
                session.trust_env = False
                answer = session.request(self.command, target + self.path, data=body or None, headers=headers, timeout=120)
                self.send_response(answer.status_code)
                self.send_header("Content-Type", answer.headers.get("Content-Type", "application/json"))
                self.send_header("Content-Length", str(len(answer.content)))
                self.end_headers()
                self.wfile.write(answer.content)

            do_GET = do_POST = do_PUT = _forward

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def test_correlation_reports_live_secrets_only_where_the_token_may_read(dev_server, tmp_path):
    live, absent, hidden, rotated = (github_token() for _ in range(4))
    app, private = random_name("radar-app"), random_name("radar-hidden")
    # Version 1 holds a value since replaced, version 2 the live one.
    assert dev_server.http("POST", f"secret/data/ci/{app}", body={"data": {"token": rotated}}).status_code == 200
    assert dev_server.http("POST", f"secret/data/ci/{app}", body={"data": {"token": live, "user": "deploy"}}).status_code == 200
    assert dev_server.http("POST", f"secret/data/ci/{private}", body={"data": {"token": hidden}}).status_code == 200

    policy = random_name("radar-ci")
    rules = (
        'path "sys/radar/key" { capabilities = ["read"] }\n'
        'path "sys/radar/correlate" { capabilities = ["update"] }\n'
        f'path "secret/data/ci/{app}" {{ capabilities = ["read"] }}\n'
    )
    assert dev_server.http("PUT", f"sys/policies/acl/{policy}", body={"policy": rules}).status_code == 204
    created = dev_server.http("POST", "auth/token/create", body={"policies": [policy], "ttl": "10m"})
    token = created.json()["auth"]["client_token"]

    repo = tmp_path / "repo"
    (repo / "deploy").mkdir(parents=True)
    (repo / "deploy" / "live.env").write_text(f"GH_TOKEN={live}\n")
    (repo / "deploy" / "absent.env").write_text(f"GH_TOKEN={absent}\n")
    (repo / "deploy" / "hidden.env").write_text(f"GH_TOKEN={hidden}\n")
    (repo / "deploy" / "rotated.env").write_text(f"GH_TOKEN={rotated}\n")

    log = tmp_path / "audit.log"
    device = random_name("radar-audit")
    assert dev_server.bao("audit", "enable", f"-path={device}", "file", f"file_path={log}").returncode == 0
    proxy = RecordingProxy(dev_server.url)
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("BAO_", "VAULT_", "COFFER_RADAR"))}
        env.update(VAULT_ADDR=proxy.url, VAULT_TOKEN=token, HOME=str(tmp_path))
        out = subprocess.run([str(coffer_bin()), "radar", "scan", "dir", str(repo), "-correlate", "-format=json"],
                             capture_output=True, text=True, env=env, timeout=300)
    finally:
        proxy.close()
        dev_server.bao("audit", "disable", device)
    values = [live, absent, hidden, rotated]
    assert out.returncode == 1, out.stderr[-2000:]
    assert leaked(out.stdout + out.stderr, values) == []

    findings = {f["locations"][0]["path"]: f for f in json.loads(out.stdout)["findings"]}
    assert findings["deploy/live.env"]["coffer"] == {
        "mount": "secret/", "path": f"ci/{app}", "field": "token", "version": 2, "state": "current"}
    assert findings["deploy/live.env"]["severity"] == "critical"
    assert findings["deploy/rotated.env"]["coffer"]["version"] == 1
    assert findings["deploy/rotated.env"]["coffer"]["state"] == "old"
    assert "rotated-in-coffer" in findings["deploy/rotated.env"]["tags"]
    assert findings["deploy/absent.env"].get("coffer") is None
    assert findings["deploy/hidden.env"].get("coffer") is None  # stored, but not readable by the token

    # What the scanner sent: the key request and hashes, never a value.
    paths = [(method, path) for method, path, _ in proxy.requests]
    assert ("GET", "/v1/sys/radar/key") in paths and ("POST", "/v1/sys/radar/correlate") in paths
    sent = b"".join(body for _, _, body in proxy.requests).decode()
    assert leaked(sent, values) == []
    for method, path, body in proxy.requests:
        if path == "/v1/sys/radar/correlate":
            hashes = json.loads(body)["hashes"]
            assert len(hashes) == 4 and all(re.fullmatch(r"[0-9a-f]{64}", h) for h in hashes)

    # The audit log saw both calls, with every string of their data HMAC'd.
    text = log.read_text()
    assert leaked(text, values) == []
    entries = [json.loads(line) for line in text.splitlines() if line.strip()]
    correlate = [e for e in entries if e["request"]["path"] == "sys/radar/correlate"]
    assert correlate, "the correlate call is not on record"
    for entry in correlate:
        for value in entry["request"].get("data", {}).get("hashes", []):
            assert value.startswith("hmac-sha256:")
    key_answers = [e for e in entries if e["type"] == "response" and e["request"]["path"] == "sys/radar/key"]
    assert key_answers and all(e["response"]["data"]["key"].startswith("hmac-sha256:") for e in key_answers)


def test_correlate_refuses_bad_input_and_tokens_without_the_policy(dev_server):
    assert dev_server.http("POST", "sys/radar/correlate", body={"hashes": []}).status_code == 400
    assert dev_server.http("POST", "sys/radar/correlate", body={"hashes": ["zz"]}).status_code == 400
    assert dev_server.http("POST", "sys/radar/correlate", body={"hashes": ["0" * 64] * 1001}).status_code == 400
    assert dev_server.http("POST", "sys/radar/correlate", body={"hashes": "nope"}).status_code == 400
    created = dev_server.http("POST", "auth/token/create", body={"policies": ["default"], "ttl": "5m"})
    token = created.json()["auth"]["client_token"]
    assert dev_server.http("GET", "sys/radar/key", token=token).status_code == 403
    assert dev_server.http("POST", "sys/radar/correlate", token=token, body={"hashes": ["0" * 64]}).status_code == 403
    first = dev_server.http("GET", "sys/radar/key").json()["data"]
    assert dev_server.http("GET", "sys/radar/key").json()["data"]["key_id"] == first["key_id"]
    assert first["kdf"]["name"] == "scrypt"
    rotated = dev_server.http("POST", "sys/radar/key/rotate").json()["data"]
    assert rotated["key_id"] != first["key_id"]


def test_a_job_environment_is_checked_by_hash_only(dev_server, tmp_path):
    """`scan env --hash-only -correlate`, as a CircleCI step runs it: the job's own variables,
    whose values CircleCI never exports, are compared by hash; nothing of them is printed."""
    stored, loose = github_token(), github_token()
    path = random_name("radar-env")
    assert dev_server.http("POST", f"secret/data/ci/{path}", body={"data": {"npm": stored}}).status_code == 200
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BAO_", "VAULT_", "COFFER_RADAR"))}
    env.update(VAULT_ADDR=dev_server.url, VAULT_TOKEN=dev_server.root_token, HOME=str(tmp_path),
               NPM_TOKEN=stored, DEPLOY_PASSWORD=loose, LOG_LEVEL="debug")
    refused = subprocess.run([str(coffer_bin()), "radar", "scan", "env"], capture_output=True, text=True, env=env,
                             timeout=60)
    assert refused.returncode == 2  # --hash-only is required
    out = subprocess.run([str(coffer_bin()), "radar", "scan", "env", "--hash-only", "-correlate", "-format=json",
                          "--fail-severity", "critical"], capture_output=True, text=True, env=env, timeout=300)
    assert out.returncode == 1, out.stderr[-2000:]
    assert leaked(out.stdout + out.stderr, [stored, loose]) == []
    findings = {f["locations"][0]["yaml_path"]: f for f in json.loads(out.stdout)["findings"]}
    assert findings["NPM_TOKEN"]["coffer"]["path"] == f"ci/{path}"
    assert findings["NPM_TOKEN"]["severity"] == "critical"
    assert findings["DEPLOY_PASSWORD"].get("coffer") is None
    assert "LOG_LEVEL" not in findings


def test_masked_circleci_values_are_hinted_by_their_last_four(dev_server, tmp_path):
    """A project variable's masked value (`xxxx` + last four) is compared, by keyed hash, with
    the last four characters of stored values: reported as a possible match, nothing more."""
    stored = github_token()
    path = random_name("radar-last4")
    assert dev_server.http("POST", f"secret/data/ci/{path}", body={"data": {"npm": stored}}).status_code == 200
    listing = {"items": [{"name": "NPM_TOKEN", "value": "xxxx" + stored[-4:], "created_at": "2025-01-01T00:00:00Z"},
                         {"name": "OTHER_TOKEN", "value": "xxxx" + "!?!?", "created_at": "2025-01-01T00:00:00Z"}]}
    (tmp_path / "envvars.json").write_text(json.dumps(listing))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BAO_", "VAULT_", "COFFER_RADAR"))}
    env.update(VAULT_ADDR=dev_server.url, VAULT_TOKEN=dev_server.root_token, HOME=str(tmp_path))
    out = subprocess.run([str(coffer_bin()), "radar", "scan", "circleci-envvars", str(tmp_path / "envvars.json"),
                          "-correlate", "-format=json"], capture_output=True, text=True, env=env, timeout=300)
    assert out.returncode == 1, out.stderr[-2000:]
    assert leaked(out.stdout, [stored]) == []
    tags = {f["locations"][0]["yaml_path"]: f["tags"] for f in json.loads(out.stdout)["findings"]}
    assert f"possible-coffer-match:secret/ci/{path}#npm" in tags["project project.NPM_TOKEN"]
    assert not any(t.startswith("possible-coffer-match") for t in tags["project project.OTHER_TOKEN"])
