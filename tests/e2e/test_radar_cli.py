"""`coffer radar scan` as a CI step uses it: a key planted in a tree, in a git
history and in a CircleCI config is found, the exit code fails the job, and no
output carries the secret itself. Keys are made here (openssl), never stored."""

import json
import subprocess
from pathlib import Path

from conftest import coffer_bin, coffer_only

pytestmark = coffer_only


def _key_pem(path: Path) -> str:
    subprocess.run(["openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
                    "-out", str(path)], check=True, capture_output=True)
    return path.read_text()


def _radar(*args: str, cwd: Path, input: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(coffer_bin()), "radar", "scan", *args], cwd=cwd, input=input,
                          capture_output=True, text=True, timeout=120)


def _body(pem: str) -> str:
    """The base64 body of a PEM block: what must never be printed."""
    return "".join(line for line in pem.splitlines() if not line.startswith("-----"))


def test_a_private_key_in_a_tree_fails_the_scan_and_is_never_printed(tmp_path):
    pem = _key_pem(tmp_path / "deploy.pem")
    (tmp_path / "README.md").write_text("nothing to see\n")
    for fmt in ("text", "json", "sarif"):
        out = _radar("dir", ".", "--format", fmt, cwd=tmp_path)
        assert out.returncode == 1, (fmt, out.stderr)
        leaked = _body(pem)[8:40] in out.stdout
        assert not leaked, f"{fmt} output carries the key material"
    report = json.loads(_radar("dir", ".", "--format", "json", cwd=tmp_path).stdout)
    assert [f["family"] for f in report["findings"]] == ["private-keys"]
    assert report["findings"][0]["locations"][0]["path"] == "deploy.pem"
    sarif = json.loads(_radar("dir", ".", "--format", "sarif", cwd=tmp_path).stdout)
    assert sarif["version"] == "2.1.0" and len(sarif["runs"][0]["results"]) == 1


def test_a_key_removed_from_git_is_still_found_in_history(tmp_path):
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    pem = _key_pem(tmp_path / "id.pem")
    subprocess.run(git + ["add", "id.pem"], cwd=tmp_path, check=True)
    subprocess.run(git + ["commit", "-qm", "add key"], cwd=tmp_path, check=True)
    subprocess.run(git + ["rm", "-q", "id.pem"], cwd=tmp_path, check=True)
    subprocess.run(git + ["commit", "-qm", "remove key"], cwd=tmp_path, check=True)

    assert _radar("dir", ".", cwd=tmp_path).returncode == 0  # gone from the tree
    out = _radar("git", ".", "--format", "json", cwd=tmp_path)
    assert out.returncode == 1, out.stderr
    finding = json.loads(out.stdout)["findings"][0]
    assert finding["family"] == "private-keys" and finding["in_head"] is False
    assert _body(pem)[8:40] not in out.stdout


def test_clean_input_and_usage_errors(tmp_path):
    assert _radar("stdin", cwd=tmp_path, input="just some text\n").returncode == 0
    assert _radar("nowhere", cwd=tmp_path).returncode == 2
    assert _radar("dir", ".", "--format", "xml", cwd=tmp_path).returncode == 2
