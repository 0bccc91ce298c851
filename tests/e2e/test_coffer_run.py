"""`coffer run` (issue 22, acceptance 3): a CI job's OIDC token from `coffer ci-oidc`
logs in, the secrets reach the command's environment and nowhere else, the token is
revoked when the command ends, signals and exit codes pass through, and a refused
or missing secret stops everything before the command starts."""

from __future__ import annotations

import hashlib
import os
import re
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import DEV_ROOT_TOKEN, coffer_bin, free_port, random_name, random_value

ORG = "1b2c3d4e-0000-4000-8000-0000000000a1"
PROJECT = "5a6b7c8d-0000-4000-8000-000000000001"

# The child: proves it sees the secret (by hash), then looks for it in every other
# process's /proc/<pid>/environ and reports how many hold it.
CHILD = r"""
import hashlib, os, sys
value = os.environ.get("DB_PASSWORD", "")
print("hash", hashlib.sha256(value.encode()).hexdigest())
leaks = 0
for pid in os.listdir("/proc"):
    if not pid.isdigit() or int(pid) == os.getpid():
        continue
    try:
        with open(f"/proc/{pid}/environ", "rb") as f:
            leaks += value.encode() in f.read()
    except OSError:
        pass
print("leaks", leaks)
print("api", hashlib.sha256(os.environ.get("API_KEY", "").encode()).hexdigest())
sys.exit(int(os.environ.get("CHILD_EXIT", "0")))
"""


@pytest.fixture(scope="module")
def ci_setup(dev_server, tmp_path_factory):
    """An issuer (`coffer ci-oidc serve`), a JWT mount trusting it, a policy that
    reads one path and denies another, and a role for the job."""
    work = tmp_path_factory.mktemp("run")
    port = free_port()
    issuer = f"https://127.0.0.1:{port}/org/{ORG}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BAO_", "VAULT_"))}
    env["HOME"] = str(work)
    serve = subprocess.Popen([str(coffer_bin()), "ci-oidc", "serve", "--org-id", ORG, "--listen", f"127.0.0.1:{port}",
                              "--self-signed-ca-out", str(work / "ca.pem"), "--key-dir", str(work / "keys")],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while not (work / "ca.pem").exists() or (work / "ca.pem").stat().st_size == 0:
            assert time.monotonic() < deadline, "issuer did not start"
            time.sleep(0.05)
        time.sleep(0.3)
        mount = random_name("jwt")
        base = random_name("ci")
        assert dev_server.http("POST", f"sys/auth/{mount}", body={"type": "jwt"}).status_code in (200, 204)
        r = dev_server.http("POST", f"auth/{mount}/config", body={
            "oidc_discovery_url": issuer, "bound_issuer": issuer, "oidc_discovery_ca_pem": (work / "ca.pem").read_text()})
        assert r.status_code in (200, 204), r.text
        policy = (f'path "secret/data/{base}/prod/*" {{ capabilities = ["read"] }}\n'
                  f'path "secret/data/{base}/staging/*" {{ capabilities = ["deny"] }}\n'
                  # Lets the test see the login token's lookup while it lives.
                  f'path "auth/token/lookup-self" {{ capabilities = ["read"] }}\n')
        assert dev_server.http("PUT", f"sys/policies/acl/{base}", body={"policy": policy}).status_code in (200, 204)
        r = dev_server.http("POST", f"auth/{mount}/role/deploy", body={
            "role_type": "jwt", "user_claim": "sub", "bound_audiences": [ORG], "token_policies": [base], "token_ttl": "15m",
            "bound_claims": {"oidc.circleci.com/project-id": PROJECT}})
        assert r.status_code in (200, 204), r.text
        password, api_key = random_value(32), random_value(24)
        for path, data in ((f"{base}/prod/db", {"password": password}), (f"{base}/prod/api", {"key": api_key}),
                           (f"{base}/staging/db", {"password": random_value(20)})):
            assert dev_server.http("PUT", f"secret/data/{path}", body={"data": data}).status_code == 200
        job_token = subprocess.run(
            [str(coffer_bin()), "ci-oidc", "token", "--org-id", ORG, "--project-id", PROJECT, "--vcs-ref", "refs/heads/main",
             "--issuer-base", f"https://127.0.0.1:{port}", "--key-dir", str(work / "keys")],
            capture_output=True, text=True, env=env, timeout=30)
        assert job_token.returncode == 0, job_token.stderr
        yield {"mount": mount, "base": base, "password": password, "api_key": api_key,
               "jwt": job_token.stdout.strip(), "work": work}
    finally:
        os.kill(serve.pid, signal.SIGKILL)
        serve.wait()


def run(server, setup, tmp_path, args, *, token=None, jwt=True, extra_env=None, wait=True):
    home, cwd = tmp_path / "home", tmp_path / "cwd"
    home.mkdir(exist_ok=True)
    cwd.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BAO_", "VAULT_", "COFFER_", "CIRCLE_"))}
    env.update(VAULT_ADDR=server.url, HOME=str(home))
    if jwt:
        env["CIRCLE_OIDC_TOKEN_V2"] = setup["jwt"]
    if token:
        env["VAULT_TOKEN"] = token
    env.update(extra_env or {})
    argv = [str(coffer_bin()), "run", *args]
    if not wait:
        return subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=60)


def accessors(server) -> set[str]:
    r = server.http("LIST", "auth/token/accessors")
    assert r.status_code == 200, r.text
    return set(r.json()["data"]["keys"])


def holds(root: Path, secret: str) -> list[str]:
    found = []
    for path in root.rglob("*"):
        if path.is_file() and secret.encode() in path.read_bytes():
            found.append(str(path.relative_to(root)))
    return found


def test_child_sees_secrets_in_its_environment_only_and_token_is_revoked(dev_server, ci_setup, tmp_path):
    base = ci_setup["base"]
    before = accessors(dev_server)
    result = run(dev_server, ci_setup, tmp_path, [
        "--role", "deploy", "--mount", ci_setup["mount"],
        "--env", f"DB_PASSWORD=secret/{base}/prod/db#password",
        "--env", f"API_KEY=secret/{base}/prod/api#key",
        "--", sys.executable, "-c", CHILD])
    assert result.returncode == 0, result.stderr
    lines = dict(line.split(" ", 1) for line in result.stdout.splitlines())
    sees = lines["hash"] == hashlib.sha256(ci_setup["password"].encode()).hexdigest()
    assert sees, "the child did not get the secret in DB_PASSWORD"
    sees = lines["api"] == hashlib.sha256(ci_setup["api_key"].encode()).hexdigest()
    assert sees, "the child did not get the secret in API_KEY"
    assert lines["leaks"] == "0", "another process's environment holds the secret"
    # Nothing printed, nothing on disk under the working directory or $HOME.
    for stream in (result.stdout, result.stderr):
        assert ci_setup["password"] not in stream and ci_setup["api_key"] not in stream
    assert holds(tmp_path, ci_setup["password"]) == [] and holds(tmp_path, ci_setup["api_key"]) == []
    # The login token is gone: no accessor it made is left.
    assert accessors(dev_server) - before == set(), "coffer run left its login token alive"


def test_login_token_lives_while_the_child_runs_then_is_revoked(dev_server, ci_setup, tmp_path):
    base = ci_setup["base"]
    before = accessors(dev_server)
    marker = tmp_path / "started"
    proc = run(dev_server, ci_setup, tmp_path, [
        "--role", "deploy", "--mount", ci_setup["mount"], "--env", f"DB_PASSWORD=secret/{base}/prod/db#password",
        "--", sys.executable, "-c", f"import pathlib,time; pathlib.Path({str(marker)!r}).touch(); time.sleep(30)"], wait=False)
    try:
        deadline = time.monotonic() + 30
        while not marker.exists():
            assert time.monotonic() < deadline and proc.poll() is None, proc.stderr.read() if proc.poll() is not None else "timeout"
            time.sleep(0.05)
        created = accessors(dev_server) - before
        assert len(created) == 1, "expected one login token while the child runs"
        # SIGTERM to coffer run reaches the child, and the status is the child's: 128 + 15.
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 128 + signal.SIGTERM, proc.stderr.read()
    (accessor,) = created
    looked = dev_server.http("POST", "auth/token/lookup-accessor", body={"accessor": accessor})
    assert looked.status_code in (400, 403, 404), "the login token was not revoked"


@pytest.mark.parametrize("status", [0, 3, 77])
def test_exit_code_is_the_childs(dev_server, ci_setup, tmp_path, status):
    result = run(dev_server, ci_setup, tmp_path, [
        "--env", f"DB_PASSWORD=secret/{ci_setup['base']}/prod/db#password", "--",
        "sh", "-c", f"exit {status}"], token=DEV_ROOT_TOKEN, jwt=False)
    assert result.returncode == status, result.stderr


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT, signal.SIGTERM])
def test_child_killed_by_signal_gives_shell_status(dev_server, ci_setup, tmp_path, sig):
    command = ["sh", "-c", f"kill -{int(sig)} $$"]
    # The reference shell gets the signal's default action back: a runner that
    # starts the suite in the background (`cmd &`) hands SIGINT down ignored.
    shell = subprocess.run(["sh", "-c", f"sh -c 'kill -{int(sig)} $$'; exit $?"], capture_output=True,
                           preexec_fn=lambda: sig != signal.SIGKILL and signal.signal(sig, signal.SIG_DFL))
    result = run(dev_server, ci_setup, tmp_path, [
        "--env", f"DB_PASSWORD=secret/{ci_setup['base']}/prod/db#password", "--", *command],
        token=DEV_ROOT_TOKEN, jwt=False)
    assert result.returncode == 128 + int(sig) == shell.returncode, result.stderr


def test_given_token_is_used_and_not_revoked(dev_server, ci_setup, tmp_path):
    token = dev_server.http("POST", "auth/token/create", body={"policies": [ci_setup["base"]], "ttl": "10m"}).json()["auth"]["client_token"]
    result = run(dev_server, ci_setup, tmp_path, [
        "--env", f"DB_PASSWORD=secret/{ci_setup['base']}/prod/db#password", "--", sys.executable, "-c", CHILD],
        token=token, jwt=False)
    assert result.returncode == 0, result.stderr
    assert dev_server.http("GET", "auth/token/lookup-self", token=token).status_code == 200


@pytest.mark.parametrize("reference, expect", [
    ("staging/db#password", "permission denied"),
    ("prod/missing#password", "No value found"),
    ("prod/db#nofield", "not present"),
])
def test_refused_or_missing_secret_stops_before_the_child(dev_server, ci_setup, tmp_path, reference, expect):
    before = accessors(dev_server)
    marker = tmp_path / "ran"
    path = f"secret/{ci_setup['base']}/{reference}"
    result = run(dev_server, ci_setup, tmp_path, [
        "--role", "deploy", "--mount", ci_setup["mount"],
        "--env", f"DB_PASSWORD=secret/{ci_setup['base']}/prod/db#password", "--env", f"OTHER={path}",
        "--", "touch", str(marker)])
    assert result.returncode != 0
    assert not marker.exists(), "the command ran although a secret could not be read"
    assert path.split("#")[0] in result.stderr and expect in result.stderr, result.stderr
    assert ci_setup["password"] not in result.stderr + result.stdout
    assert accessors(dev_server) - before == set(), "the login token was not revoked after the failure"


def test_template_is_rendered_0600_for_the_command_and_removed_after(dev_server, ci_setup, tmp_path):
    base = ci_setup["base"]
    template = tmp_path / "app.ini.ctmpl"
    template.write_text(f'[db]\n{{{{ with secret "secret/data/{base}/prod/db" }}}}password = {{{{ .Data.data.password }}}}{{{{ end }}}}\n')
    dest = tmp_path / "cwd" / "app.ini"
    child = ("import hashlib, os, pathlib, stat, sys; p = pathlib.Path(sys.argv[1]); "
             "print('mode', oct(stat.S_IMODE(p.stat().st_mode))); "
             "print('hash', hashlib.sha256(p.read_text().encode()).hexdigest())")
    result = run(dev_server, ci_setup, tmp_path, [
        "--role", "deploy", "--mount", ci_setup["mount"], "--template", f"{template}:{dest}",
        "--", sys.executable, "-c", child, str(dest)])
    assert result.returncode == 0, result.stderr
    lines = dict(line.split(" ", 1) for line in result.stdout.splitlines())
    assert lines["mode"] == "0o600"
    expected = hashlib.sha256(f"[db]\npassword = {ci_setup['password']}\n".encode()).hexdigest()
    assert lines["hash"] == expected, "the rendered file does not hold the secret as the template says"
    assert not dest.exists(), "the rendered file outlived the command"
    assert ci_setup["password"] not in result.stdout + result.stderr


def test_a_template_with_a_refused_secret_stops_before_the_command(dev_server, ci_setup, tmp_path):
    base = ci_setup["base"]
    template = tmp_path / "bad.ctmpl"
    template.write_text(f'{{{{ with secret "secret/data/{base}/staging/db" }}}}{{{{ .Data.data.password }}}}{{{{ end }}}}')
    marker = tmp_path / "ran"
    result = run(dev_server, ci_setup, tmp_path, [
        "--role", "deploy", "--mount", ci_setup["mount"], "--template", f"{template}:{tmp_path / 'out'}",
        "--", sys.executable, "-c", f"open({str(marker)!r}, 'w')"])
    assert result.returncode != 0
    assert not marker.exists(), "the command ran although its template could not be rendered"
    assert f"secret/data/{base}/staging/db" in result.stderr
    assert not (tmp_path / "out").exists()


def readme_circleci_config() -> dict:
    import yaml

    text = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = text.split("A whole `.circleci/config.yml`", 1)[1]
    return yaml.safe_load(re.search(r"```yaml\n(.*?)```", section, re.S).group(1))


def test_readme_circleci_config_runs_its_deploy_step(dev_server, ci_setup, tmp_path):
    """The README's whole `.circleci/config.yml`: a workflow that gives both jobs the
    context and the main-branch filter, the guide's script in `migrate`, and the
    `deploy` step's `coffer run` line run for real, with the fixture's role, mount
    and paths in place of the README's and a child in place of ./deploy.sh."""
    config = readme_circleci_config()
    assert str(config["version"]) == "2.1"
    for entry in config["workflows"]["main"]["jobs"]:
        (name, settings), = entry.items()
        assert settings["context"] == "coffer-production" and settings["filters"] == {"branches": {"only": "main"}}, name
    migrate = "\n".join(step["run"]["command"] for step in config["jobs"]["migrate"]["steps"] if isinstance(step, dict))
    assert "vault write -field=token auth/jwt/login" in migrate and "vault kv get -field=password" in migrate
    deploy = [step["run"]["command"] for step in config["jobs"]["deploy"]["steps"] if isinstance(step, dict)][0]
    argv = shlex.split(deploy.replace("\\\n", " "))  # a shell joins backslash-newline lines
    assert argv[:2] == ["coffer", "run"] and "BASH_ENV" not in deploy
    split = argv.index("--")
    options, command = argv[2:split], argv[split + 1:]
    assert command[0] == "./deploy.sh"

    base = ci_setup["base"]
    template = tmp_path / "deploy" / "app.conf.tpl"
    template.parent.mkdir()
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    template.write_text(re.search(r"`deploy/app.conf.tpl` holds `(.*?)`", readme).group(1)
                        .replace("secret/data/ci/production", f"secret/data/{base}/prod"))
    rendered = tmp_path / "app.conf"
    rewritten = []
    for option in options:
        option = option.replace("circleci-production-deploy", "deploy").replace("secret/ci/production", f"secret/{base}/prod")
        option = option.replace("deploy/app.conf.tpl:/tmp/app.conf", f"{template}:{rendered}")
        rewritten.append(option)
    mount_at = rewritten.index("--mount") + 1
    rewritten[mount_at] = ci_setup["mount"]
    child = ("import hashlib, os, sys; conf = open(sys.argv[sys.argv.index('--config') + 1]).read();"
             "print('db', hashlib.sha256(os.environ['DB_PASSWORD'].encode()).hexdigest());"
             "print('api', hashlib.sha256(os.environ['API_KEY'].encode()).hexdigest());"
             "print('conf', hashlib.sha256(conf.split('password = ', 1)[1].strip().encode()).hexdigest())")
    arguments = [str(rendered) if arg == "/tmp/app.conf" else arg for arg in command[1:]]
    result = run(dev_server, ci_setup, tmp_path, [*rewritten, "--", sys.executable, "-c", child, *arguments])
    assert result.returncode == 0, result.stderr
    lines = dict(line.split(" ", 1) for line in result.stdout.splitlines())
    digest = lambda value: hashlib.sha256(value.encode()).hexdigest()
    assert lines["db"] == digest(ci_setup["password"]) and lines["api"] == digest(ci_setup["api_key"])
    assert lines["conf"] == digest(ci_setup["password"]), "the template did not render the secret"
    assert not rendered.exists(), "the rendered config outlived the command"
