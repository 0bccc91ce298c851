"""`coffer` installed as `vault`: the README demo (the guide's operator steps and
CI job script) run verbatim with every `bao` command spelled `vault`, which is
coffer. Against Coffer, and against OpenBao with E2E_SERVER=bao: the CLI must
work against the reference server too."""

from __future__ import annotations

import json
import os
import re
import subprocess

from conftest import DEV_ROOT_TOKEN, IS_COFFER, bao_bin, coffer_bin, coffer_only, free_port, random_name
from test_readme_demo import demo_script


# OpenBao's server refuses `bound_claims` given as a JSON string (`k=v` arguments
# are strings, with the real bao CLI too: "expected type 'map[string]interface {}',
# got unconvertible type 'string'"); Coffer accepts it. Against OpenBao the role is
# written with the same values as a JSON body, the form OpenBao takes.
ROLE_AS_JSON = """vault write auth/jwt/role/circleci-production-deploy - <<ROLE
{"role_type": "jwt", "user_claim": "sub", "bound_audiences": "$ORG", "token_policies": "ci-production",
 "token_ttl": "15m", "bound_claims": {"oidc.circleci.com/project-id": "$PROJECT",
 "oidc.circleci.com/context-ids": ["$CONTEXT"], "oidc.circleci.com/vcs-ref": "refs/heads/main"}}
ROLE
"""


def dropin_script() -> str:
    """The demo with its CLI calls made as `vault`; the server is coffer's or bao's."""
    script = demo_script().replace("coffer server -dev", "DEMO_SERVER server -dev")
    script = re.sub(r"(?<![\w$/.-])bao(?= )", "vault", script)
    assert "bao " not in script.replace("BAO_", ""), script
    if not IS_COFFER:
        script, count = re.subn(r"vault write auth/jwt/role/circleci-production-deploy .*?\}'\n", ROLE_AS_JSON, script, flags=re.S)
        assert count == 1, script
    return script.replace("DEMO_SERVER", "coffer" if IS_COFFER else str(bao_bin()))


def test_readme_demo_with_coffer_as_vault(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "coffer").symlink_to(coffer_bin())
    (bin_dir / "vault").symlink_to(coffer_bin())
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BAO_", "VAULT_"))}
    # Only our bin directory and the system's: no real bao or vault to fall back on.
    env.update(PATH=f"{bin_dir}:/usr/bin:/bin", HOME=str(tmp_path), TMPDIR=str(tmp_path),
               ISSUER_PORT=str(free_port()), SERVER_PORT=str(free_port()))
    script = dropin_script()
    assert "vault auth enable jwt" in script and "vault write -field=token auth/jwt/login" in script
    which = subprocess.run(["bash", "-c", "vault version"], capture_output=True, text=True, env=env, timeout=30)
    assert which.stdout.startswith("Coffer"), which.stdout + which.stderr
    result = subprocess.run(["bash", "-c", script], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "production db password: demo-production-password" in result.stdout
    assert "staging: denied, as the policy says" in result.stdout


def cli(server, *args, token=DEV_ROOT_TOKEN, input=None, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BAO_", "VAULT_", "COFFER_"))}
    env.update(VAULT_ADDR=server.url, HOME=str(server.workdir))
    if token:
        env["VAULT_TOKEN"] = token
    env.update(extra)
    return subprocess.run([str(coffer_bin()), *args], capture_output=True, text=True, env=env, timeout=60,
                          input=input, stdin=None if input is not None else subprocess.DEVNULL)


@coffer_only
def test_login_with_approle_method_and_its_arguments(dev_server):
    mount = random_name("approle")
    assert cli(dev_server, "auth", "enable", f"-path={mount}", "approle").returncode == 0
    assert cli(dev_server, "write", f"auth/{mount}/role/ci", "token_policies=default", "token_ttl=10m").returncode == 0
    role_id = cli(dev_server, "read", "-field=role_id", f"auth/{mount}/role/ci/role-id").stdout
    secret_id = cli(dev_server, "write", "-f", "-field=secret_id", f"auth/{mount}/role/ci/secret-id").stdout
    login = cli(dev_server, "login", "-no-store", "-format=json", "-method=approle", f"-path={mount}",
                f"role_id={role_id}", f"secret_id={secret_id}", token=None)
    assert login.returncode == 0, login.stderr
    auth = json.loads(login.stdout)["auth"]
    assert auth["policies"] == ["default"] and auth["lease_duration"] == 600
    assert secret_id not in login.stdout + login.stderr
    bad = cli(dev_server, "login", "-no-store", "-method=approle", f"-path={mount}", f"role_id={role_id}",
              "secret_id=wrong", token=None)
    assert bad.returncode == 2 and "Error authenticating" in bad.stderr
    assert cli(dev_server, "auth", "disable", mount).returncode == 0


@coffer_only
def test_global_flags_and_environment(dev_server, tmp_path):
    # -output-curl-string: the request, not sent; the token never shown.
    curl = cli(dev_server, "auth", "enable", "-output-curl-string", "-path=never-made", "jwt", VAULT_NAMESPACE="team")
    assert curl.returncode == 0, curl.stderr
    assert curl.stdout.startswith("curl -X POST") and "$(coffer print token)" in curl.stdout
    assert '-H "X-Vault-Namespace: team/"' in curl.stdout and DEV_ROOT_TOKEN + '"' not in curl.stdout
    assert "never-made/" not in cli(dev_server, "auth", "list").stdout
    # -address overrides VAULT_ADDR.
    moved = cli(dev_server, "auth", "list", f"-address={dev_server.url}", VAULT_ADDR="http://127.0.0.1:1")
    assert moved.returncode == 0 and "token/" in moved.stdout
    # BAO_ names alone are enough.
    env_bao = cli(dev_server, "token", "lookup", "-format=json", token=None, BAO_TOKEN=DEV_ROOT_TOKEN)
    assert env_bao.returncode == 0 and json.loads(env_bao.stdout)["data"]["policies"] == ["root"]
    # VAULT_WRAP_TTL wraps the answer; VAULT_FORMAT picks the format.
    wrapped = cli(dev_server, "token", "create", "-policy=default", VAULT_WRAP_TTL="60s", VAULT_FORMAT="json")
    assert wrapped.returncode == 0 and json.loads(wrapped.stdout)["wrap_info"]["ttl"] == 60
    yaml_out = cli(dev_server, "token", "lookup", "-format=yaml")
    assert "policies:\n  - root" in yaml_out.stdout or "policies:\n- root" in yaml_out.stdout
    # -non-interactive: no prompt for a missing token.
    quiet = cli(dev_server, "login", "-non-interactive", token=None)
    assert quiet.returncode == 2 and "refusing to pull from stdin" in quiet.stderr
    # Usage errors exit 1, as Vault's CLI.
    assert cli(dev_server, "token", "revoke").returncode == 1


@coffer_only
def test_max_retries_retries_5xx_and_412(tmp_path):
    """A stand-in server answers 503 twice, then 200: the default (2 retries) gets
    the answer, VAULT_MAX_RETRIES=0 stops at the first 503."""
    import http.server
    import threading

    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            status = 503 if len(hits) % 3 else 200
            body = b'{"errors":["busy"]}' if status != 200 else b'{"data":{"v":"ok"}}'
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("BAO_", "VAULT_", "COFFER_"))}
        env.update(VAULT_ADDR=f"http://127.0.0.1:{server.server_port}", VAULT_TOKEN="t", HOME=str(tmp_path))
        ok = subprocess.run([str(coffer_bin()), "read", "-field=v", "x/y"], capture_output=True, text=True, env=env, timeout=60)
        assert ok.returncode == 0 and ok.stdout == "ok" and len(hits) == 3, (ok.stderr, hits)
        hits.clear()
        env["VAULT_MAX_RETRIES"] = "0"
        once = subprocess.run([str(coffer_bin()), "read", "x/y"], capture_output=True, text=True, env=env, timeout=60)
        assert once.returncode == 2 and "Code: 503" in once.stderr and len(hits) == 1
    finally:
        server.shutdown()
