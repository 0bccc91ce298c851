"""`coffer radar scan --check-activeness` (spec §12): one read-only identity call per
distinct secret, to its provider, and the answer ranks the finding (active: at least
high; inactive: info).

THE PEERS: for AWS, moto's server mode with IAM authentication on (`aws_moto.MotoAWS`),
a real STS that checks SigV4 signatures and knows which keys exist. For GitHub, Slack and
Stripe, a stand-in on loopback that answers their identity endpoints as their API docs
say (GitHub `GET /user` 200/401, Slack `POST /api/auth.test` 200 with ok true/false and
`invalid_auth`, Stripe `GET /v1/account` 200/401): the real services would need real
credentials, and this suite never sends anything off the machine."""

from __future__ import annotations

import json
import re
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from aws_moto import MotoAWS
from conftest import Secret, coffer_bin, coffer_only, free_port
from radar_samples import github_token, leaked, password

pytestmark = coffer_only


class _Providers(BaseHTTPRequestHandler):
    """GitHub, Slack and Stripe identity endpoints; `live` holds the credentials they accept."""
    live: set[str] = set()
    calls: list[str] = []

    def _credential(self) -> str:
        header = self.headers.get("Authorization", "")
        return header.split(" ", 1)[1] if " " in header else ""

    def _answer(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        type(self).calls.append(self.path)
        live = self._credential() in type(self).live
        if self.path == "/user":
            self._answer(200, {"login": "octo"}) if live else self._answer(401, {"message": "Bad credentials"})
        elif self.path == "/v1/account":
            self._answer(200, {"id": "acct_1"}) if live else self._answer(401, {"error": {"type": "invalid_request_error"}})
        else:
            self._answer(404, {})

    def do_POST(self):
        type(self).calls.append(self.path)
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path == "/api/auth.test":
            live = self._credential() in type(self).live
            self._answer(200, {"ok": True, "team": "acme"} if live else {"ok": False, "error": "invalid_auth"})
        else:
            self._answer(404, {})

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def providers():
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), _Providers)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def aws(tmp_path_factory):
    peer = MotoAWS(tmp_path_factory.mktemp("moto"))
    yield peer
    peer.stop()


def _scan(tmp_path: Path, *extra: str) -> tuple[subprocess.CompletedProcess, dict]:
    out = subprocess.run([str(coffer_bin()), "radar", "scan", "dir", ".", "--format", "json", *extra],
                         cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert out.returncode in (0, 1), out.stderr
    return out, json.loads(out.stdout)


def _slack_token() -> Secret:
    import secrets
    import string
    digits = lambda n: "".join(secrets.choice(string.digits) for _ in range(n))
    alnum = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(24))
    return Secret("xo" + f"xb-{digits(12)}-{digits(13)}-{alnum}")


def test_live_and_dead_tokens_are_ranked_by_their_providers_answer(tmp_path, providers):
    live, dead = github_token(), github_token()
    slack_live, slack_dead = _slack_token(), _slack_token()
    stripe_dead = Secret("sk_" + "live_" + password(24))
    _Providers.live = {str(live), slack_live}
    _Providers.calls = []
    (tmp_path / "tokens.txt").write_text(
        f"gh_live = {live}\ngh_dead = {dead}\nslack_live = {slack_live}\nslack_dead = {slack_dead}\n"
        f"stripe = {stripe_dead}\n")
    # The same live token again elsewhere: asked about once.
    (tmp_path / "again.txt").write_text(f"token {live}\n")

    out, report = _scan(tmp_path)
    assert all("activeness" not in f for f in report["findings"]), "never checked without the flag"
    assert _Providers.calls == []

    endpoints = [f"--activeness-endpoint={name}={providers}" for name in ("github", "slack", "stripe")]
    out, report = _scan(tmp_path, "--check-activeness", *endpoints)
    assert "sends each secret" in out.stderr
    answers = sorted((f["rule_id"], f["locations"][0]["path"], f["locations"][0]["start_line"], f["activeness"],
                      f["severity"]) for f in report["findings"])
    assert answers == [
        ("github-pat", "again.txt", 1, "active", "high"),
        ("github-pat", "tokens.txt", 1, "active", "high"),
        ("github-pat", "tokens.txt", 2, "inactive", "info"),
        ("slack-bot-token", "tokens.txt", 3, "active", "high"),
        ("slack-bot-token", "tokens.txt", 4, "inactive", "info"),
        ("stripe-secret-key", "tokens.txt", 5, "inactive", "info"),
    ]
    assert sorted(_Providers.calls) == ["/api/auth.test"] * 2 + ["/user"] * 2 + ["/v1/account"]
    assert leaked(out.stdout + out.stderr, [live, dead, slack_live, slack_dead, stripe_dead]) == []


def test_an_unreachable_provider_is_unknown_and_changes_nothing(tmp_path):
    token = github_token()
    (tmp_path / "a.txt").write_text(f"t = {token}\n")
    _, plain = _scan(tmp_path)
    _, checked = _scan(tmp_path, "--check-activeness", f"--activeness-endpoint=github=http://127.0.0.1:{free_port()}")
    assert checked["findings"][0]["activeness"] == "unknown"
    assert checked["findings"][0]["severity"] == plain["findings"][0]["severity"]


def _aws_shaped_key(aws: MotoAWS) -> tuple[str, str]:
    """A key moto issues whose id has the AWS shape radar matches (base32 letters after AKIA)."""
    iam = aws.client("iam", aws.admin)
    for n in range(200):
        name = f"radar-{n}"
        iam.create_user(UserName=name)
        key = iam.create_access_key(UserName=name)["AccessKey"]
        if re.fullmatch(r"AKIA[A-Z2-7]{16}", key["AccessKeyId"]):
            return key["AccessKeyId"], key["SecretAccessKey"]
    pytest.skip("moto issued no key id in the AWS base32 shape")


def test_aws_keys_are_checked_with_a_signed_get_caller_identity(tmp_path, aws):
    key_id, secret = _aws_shaped_key(aws)
    # A well-formed key moto never issued: STS refuses it with InvalidClientTokenId.
    unknown_id = "AKIA" + "QWERTYUIOPASDFGH"
    unknown_secret = Secret(password(38) + "Ab")
    (tmp_path / "live.env").write_text(f"aws_access_key_id = {key_id}\naws_secret_access_key = {secret}\n")
    (tmp_path / "dead.env").write_text(f"aws_access_key_id = {unknown_id}\naws_secret_access_key = {unknown_secret}\n")
    out, report = _scan(tmp_path, "--check-activeness", f"--activeness-endpoint=aws={aws.url}")
    by_path = {f["locations"][0]["path"]: f for f in report["findings"] if f["rule_id"] == "aws-secret-access-key"}
    assert by_path["live.env"]["activeness"] == "active"
    assert by_path["dead.env"]["activeness"] == "inactive" and by_path["dead.env"]["severity"] == "info"
    assert leaked(out.stdout + out.stderr, [secret, unknown_secret]) == []


def test_activeness_flags_are_checked(tmp_path):
    (tmp_path / "a.txt").write_text("nothing\n")
    run = lambda *a: subprocess.run([str(coffer_bin()), "radar", "scan", "dir", ".", *a], cwd=tmp_path,
                                    capture_output=True, text=True, timeout=60)
    assert run("--activeness-endpoint=github=http://127.0.0.1:1").returncode == 2  # without --check-activeness
    assert run("--check-activeness", "--activeness-endpoint=gitlab=http://127.0.0.1:1").returncode == 2
    assert run("--check-activeness", "--activeness-endpoint=github=ftp://x").returncode == 2
