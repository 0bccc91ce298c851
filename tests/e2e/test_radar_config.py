"""`.coffer-radar.yml` from the command line (spec §6): `--config` applies a config,
the scanned repository's own config is ignored unless `--use-repo-config` says so (a
repository cannot silence its own scan in CI), and `coffer radar bench` (spec §15)
prints throughput for CI to track."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path

from conftest import coffer_bin, coffer_only
from radar_samples import github_token, leaked

pytestmark = coffer_only

SILENCE_ALL = "version: 1\nallow:\n  paths: ['.*']\n"


def _radar(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(coffer_bin()), "radar", *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args], cwd=cwd, check=True,
                   capture_output=True)


def test_a_repository_cannot_silence_its_own_scan_unless_asked(tmp_path):
    token = github_token()
    (tmp_path / "app.env").write_text(f"GH={token}\n")
    (tmp_path / ".coffer-radar.yml").write_text(SILENCE_ALL)
    plain = _radar("scan", "dir", ".", "--format", "json", cwd=tmp_path)
    assert plain.returncode == 1 and len(json.loads(plain.stdout)["findings"]) == 1
    asked = _radar("scan", "dir", ".", "--format", "json", "--use-repo-config", cwd=tmp_path)
    assert asked.returncode == 0, asked.stderr
    assert json.loads(asked.stdout)["findings"] == []
    assert leaked(plain.stdout + asked.stdout, [token]) == []


def test_git_mode_reads_the_committed_repo_config(tmp_path):
    token = github_token()
    _git(tmp_path, "init", "-q", "-b", "main")
    (tmp_path / "app.env").write_text(f"GH={token}\n")
    _git(tmp_path, "add", "app.env")
    _git(tmp_path, "commit", "-qm", "code")
    # Only in the work tree: not what the repository says.
    (tmp_path / ".coffer-radar.yml").write_text(SILENCE_ALL)
    assert _radar("scan", "git", ".", "--use-repo-config", cwd=tmp_path).returncode == 1
    _git(tmp_path, "add", ".coffer-radar.yml")
    _git(tmp_path, "commit", "-qm", "config")
    assert _radar("scan", "git", ".", cwd=tmp_path).returncode == 1
    assert _radar("scan", "git", ".", "--use-repo-config", cwd=tmp_path).returncode == 0


def test_config_flags_and_errors(tmp_path):
    token = github_token()
    (tmp_path / "app.env").write_text(f"GH={token}\n")
    (tmp_path / "central.yml").write_text("disable_rules: [github-pat]\n")
    assert _radar("scan", "dir", ".", "--config", "central.yml", cwd=tmp_path).returncode == 0
    assert _radar("scan", "dir", ".", "--config", "central.yml", "--use-repo-config", cwd=tmp_path).returncode == 2
    (tmp_path / "broken.yml").write_text("allow: [")
    assert _radar("scan", "dir", ".", "--config", "broken.yml", cwd=tmp_path).returncode == 2
    (tmp_path / ".coffer-radar.yml").write_text("allow:\n  paths: ['(unclosed']\n")
    assert _radar("scan", "dir", ".", "--use-repo-config", cwd=tmp_path).returncode == 2
    assert _radar("scan", "stdin", "--use-repo-config", cwd=tmp_path).returncode == 2


def test_bench_prints_throughput(tmp_path):
    (tmp_path / "src").mkdir()
    for n in range(20):
        (tmp_path / "src" / f"f{n}.py").write_text("def handler(event):\n    return event['body']\n" * 200)
    out = _radar("bench", str(tmp_path), "--format", "json", "--jobs", "1", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["files"] == 20 and result["bytes"] == sum(p.stat().st_size for p in (tmp_path / "src").iterdir())
    assert result["mb_per_second_per_core"] > 0 and result["cpu_seconds"] > 0 and result["jobs"] == 1
    text = _radar("bench", str(tmp_path), cwd=tmp_path)
    assert text.returncode == 0 and "MB/s per core" in text.stdout
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-qm", "x")
    history = json.loads(_radar("bench", str(tmp_path), "--source", "git", "--format", "json", cwd=tmp_path).stdout)
    assert history["commits"] == 1 and history["bytes"] > 0
    assert _radar("bench", str(tmp_path), "--source", "svn", cwd=tmp_path).returncode == 2


def test_without_a_key_a_local_one_is_made_once_and_kept(tmp_path):
    token = github_token()
    (tmp_path / "a.env").write_text(f"GH={token}\n")
    env = {k: v for k, v in os.environ.items() if k != "COFFER_RADAR_HASH_KEY"}
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    run = lambda: subprocess.run([str(coffer_bin()), "radar", "scan", "dir", ".", "--format", "json"], cwd=tmp_path,
                                 env=env, capture_output=True, text=True, timeout=60)
    first, second = run(), run()
    key_file = tmp_path / "config" / "coffer" / "radar-hash-key"
    assert key_file.is_file() and stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert "made a local hash key" in first.stderr and "using the local hash key" in second.stderr
    hashes = [json.loads(out.stdout)["findings"][0]["value_hash"] for out in (first, second)]
    assert hashes[0] == hashes[1]
    env["COFFER_RADAR_HASH_KEY"] = "not base64 of 32 bytes"
    assert run().returncode == 2


def test_stdin_findings_carry_the_given_name(tmp_path):
    token = github_token()
    out = subprocess.run([str(coffer_bin()), "radar", "scan", "stdin", "--name", "deploy/app.env", "--format", "json"],
                         cwd=tmp_path, input=f"GH={token}\n", capture_output=True, text=True, timeout=60)
    assert out.returncode == 1
    assert json.loads(out.stdout)["findings"][0]["locations"][0]["path"] == "deploy/app.env"
