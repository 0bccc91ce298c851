"""`coffer radar migrate` (issue 23, acceptance 5): a CircleCI config with three hardcoded
secrets gives `kv put` commands, which copy the values into Coffer without printing them,
and a patch that, applied, leaves a config radar finds nothing in and whose job logs in
with its OIDC token."""

from __future__ import annotations

import os
import subprocess

from conftest import bao_bin, coffer_bin, coffer_only, random_name
from radar_samples import github_token, leaked, password

pytestmark = coffer_only

CONFIG = """version: 2.1
jobs:
  deploy:
    docker:
      - image: cimg/base:stable
    environment:
      PAYMENTS_API_KEY: {api_key}
      REGION: eu-west-1
    steps:
      - checkout
      - run:
          name: Publish
          command: |
            export GH_TOKEN={token}
            curl -u deploy:{password} https://artifacts.example.com/upload
workflows:
  main:
    jobs: [deploy]
"""


def git(repo, *args):
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args], cwd=repo,
                   check=True, capture_output=True)


def test_migrate_moves_three_secrets_and_the_patched_config_is_clean(dev_server, tmp_path):
    values = [password(32), github_token(), password(20)]
    repo = tmp_path / "repo"
    (repo / ".circleci").mkdir(parents=True)
    (repo / ".circleci" / "config.yml").write_text(CONFIG.format(api_key=values[0], token=values[1], password=values[2]))
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "config with hardcoded secrets")

    project = random_name("shop")
    radar = [str(coffer_bin()), "radar"]
    out_dir = tmp_path / "plan"  # outside the repository: the patch holds the lines it removes
    plan = subprocess.run(radar + ["migrate", ".circleci/config.yml", "--project", project, "--out-dir", str(out_dir)],
                          cwd=repo, capture_output=True, text=True, timeout=120)
    assert plan.returncode == 0, plan.stderr[-2000:]
    assert "3 secret(s) to move" in plan.stdout
    script = (out_dir / "kv-put.sh").read_text()
    patch = (out_dir / "config.patch").read_text()
    assert leaked(plan.stdout + plan.stderr + script, values) == []
    assert (out_dir / "config.patch").stat().st_mode & 0o077 == 0
    kept = "\n".join(line for line in patch.splitlines() if not line.startswith("-"))
    assert leaked(kept, values) == []  # secrets only on the lines the patch removes
    assert script.count(" kv put ") == 3
    printed = subprocess.run(radar + ["migrate", ".circleci/config.yml", "--project", project], cwd=repo,
                             capture_output=True, text=True, timeout=120)
    assert printed.returncode == 0 and "auth/jwt/login" in printed.stdout
    assert leaked(printed.stdout + printed.stderr, values) == []

    # The script, run as a person would: bao on PATH, VAULT_ADDR/VAULT_TOKEN set.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "bao").symlink_to(bao_bin())
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BAO_", "VAULT_"))}
    env.update(PATH=f"{bin_dir}:{env.get('PATH', '')}", VAULT_ADDR=dev_server.url, VAULT_TOKEN=dev_server.root_token,
               BAO_ADDR=dev_server.url, BAO_TOKEN=dev_server.root_token, HOME=str(tmp_path))
    run = subprocess.run(["bash", str(out_dir / "kv-put.sh")], cwd=repo, capture_output=True, text=True, env=env, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    assert leaked(run.stdout + run.stderr, values) == []
    listed = dev_server.http("LIST", f"secret/metadata/circleci/{project}/").json()["data"]["keys"]
    assert len(listed) == 3
    stored = [dev_server.http("GET", f"secret/data/circleci/{project}/{name}").json()["data"]["data"]["value"]
              for name in listed]
    same = sorted(stored) == sorted(values)
    assert same, "the values stored in Coffer are not the ones in the config"

    # The patch applies, and radar finds nothing in what it leaves.
    git(repo, "apply", str(out_dir / "config.patch"))
    config = (repo / ".circleci" / "config.yml").read_text()
    assert leaked(config, values) == []
    for source in (["dir", "."], ["circleci-config", ".circleci"]):
        scan = subprocess.run(radar + ["scan", *source, "--format", "json", "--fail-severity", "info"],
                              cwd=repo, capture_output=True, text=True, timeout=120)
        assert scan.returncode == 0, scan.stdout[-3000:]
    assert 'auth/jwt/login role=circleci-' + project in config
    assert '"$CIRCLE_OIDC_TOKEN_V2"' in config
    assert "REGION: eu-west-1" in config
    import yaml

    parsed = yaml.safe_load(config)
    steps = parsed["jobs"]["deploy"]["steps"]
    assert "auth/jwt/login" in steps[0]["run"]["command"]
    assert "PAYMENTS_API_KEY" not in parsed["jobs"]["deploy"]["environment"]
