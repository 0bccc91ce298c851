"""`coffer radar` as CI uses it beyond a plain scan: a CircleCI env-var listing (inventory
and the after-migration check), a baseline that lets only new findings fail, bad flags."""

from __future__ import annotations

import json
import os
import subprocess

from conftest import coffer_bin, coffer_only
from radar_samples import github_token, leaked

pytestmark = coffer_only

KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="


def radar(*args, cwd, env_key=True):
    env = {k: v for k, v in os.environ.items() if not k.startswith("COFFER_RADAR")}
    if env_key:
        env["COFFER_RADAR_HASH_KEY"] = KEY
    return subprocess.run([str(coffer_bin()), "radar", *args], cwd=cwd, capture_output=True, text=True, timeout=120,
                          env=env)


def test_an_env_var_listing_before_and_after_migration(tmp_path):
    listing = {"projects": [{"slug": "gh/acme/api", "items": [
        {"name": "NPM_TOKEN", "value": "xxxx" + "9f3K", "created_at": "2023-01-01T00:00:00Z"},
        {"name": "LOG_LEVEL", "value": "xxxx" + "info", "created_at": "2023-01-01T00:00:00Z"}]}],
        "contexts": [{"id": "7a0322cc-b8ce-485e-9a6f-06a11f5a2a75", "name": "deploy", "items": [
            {"variable": "NPM_TOKEN", "context_id": "7a0322cc-b8ce-485e-9a6f-06a11f5a2a75",
             "created_at": "2023-01-01T00:00:00Z", "updated_at": "2023-01-01T00:00:00Z"}]}]}
    (tmp_path / "envvars.json").write_text(json.dumps(listing))
    before = radar("scan", "circleci-envvars", "envvars.json", "--format", "json", cwd=tmp_path)
    assert before.returncode == 1, before.stderr
    assert "9f3K" not in before.stdout
    findings = json.loads(before.stdout)["findings"]
    assert sorted(f["rule_id"] for f in findings) == ["circleci-envvar-credential", "circleci-envvar-credential",
                                                      "circleci-envvar-inventory"]
    npm = [f for f in findings if f["rule_id"] == "circleci-envvar-credential"]
    assert all("not-rotated" in f["tags"] and "defined-in:2" in f["tags"] for f in npm)

    (tmp_path / "mapping.txt").write_text("NPM_TOKEN=secret/data/ci/npm\n")
    after = radar("scan", "circleci-envvars", "envvars.json", "--mapping", "mapping.txt", "--format", "json",
                  cwd=tmp_path)
    assert after.returncode == 1
    rules = {f["rule_id"] for f in json.loads(after.stdout)["findings"]}
    assert "circleci-envvar-migrated-still-defined" in rules
    assert radar("scan", "circleci-envvars", cwd=tmp_path).returncode == 2  # no listing named


def test_a_baseline_fails_only_new_findings(tmp_path):
    known, new = github_token(), github_token()
    (tmp_path / "app.env").write_text(f"TOKEN={known}\n")
    created = radar("baseline", "create", "dir", ".", "-o", "baseline.json", cwd=tmp_path)
    assert created.returncode == 0, created.stderr
    text = (tmp_path / "baseline.json").read_text()
    assert leaked(text, [known]) == []
    assert radar("scan", "dir", ".", "--baseline", "baseline.json", cwd=tmp_path).returncode == 0
    (tmp_path / "more.env").write_text(f"OTHER={new}\n")
    again = radar("scan", "dir", ".", "--baseline", "baseline.json", "--format", "json", cwd=tmp_path)
    assert again.returncode == 1
    assert [f["locations"][0]["path"] for f in json.loads(again.stdout)["findings"] if f.get("baseline_status") is None] \
        == ["more.env"]
    # Another key: refused, not "everything is new".
    assert radar("scan", "dir", ".", "--baseline", "baseline.json", cwd=tmp_path, env_key=False).returncode == 2
    assert radar("baseline", "create", "dir", ".", cwd=tmp_path, env_key=False).returncode == 2


def test_flags_and_rules(tmp_path):
    token = github_token()
    (tmp_path / "a.env").write_text(f"T={token} # coffer:allow\n")
    assert radar("scan", "dir", ".", cwd=tmp_path).returncode == 0
    assert radar("scan", "dir", ".", "--no-inline-ignores", cwd=tmp_path).returncode == 1
    assert radar("scan", "dir", ".", "--no-inline-ignores", "--exit-code", "7", cwd=tmp_path).returncode == 7
    disabled = radar("scan", "dir", ".", "--no-inline-ignores", "--disable-rule", "github-pat", "--format", "json",
                     cwd=tmp_path)
    assert "github-pat" not in {f["rule_id"] for f in json.loads(disabled.stdout)["findings"]}
    out = radar("scan", "dir", ".", "--no-inline-ignores", "--output", "report.sarif", "--format", "sarif", cwd=tmp_path)
    assert out.returncode == 1 and out.stdout == ""
    assert json.loads((tmp_path / "report.sarif").read_text())["version"] == "2.1.0"
    assert radar("scan", "dir", ".", "--jobs", "0", cwd=tmp_path).returncode == 2
    (tmp_path / "bad.yml").write_text("allow: [unclosed\n")
    assert radar("scan", "dir", ".", "--config", "bad.yml", cwd=tmp_path).returncode == 2
    listed = radar("rules", "list", cwd=tmp_path)
    assert listed.returncode == 0 and "github-pat\t" in listed.stdout and "circleci-envvar-credential" in listed.stdout
