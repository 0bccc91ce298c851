"""The CircleCI orb in orb/ (issue 22): valid YAML in the orb schema's shape, with
the commands install, login and run, every parameter it uses declared, and every
included script present and valid bash."""

from __future__ import annotations

import re
import subprocess

import pytest

from conftest import REPO

yaml = pytest.importorskip("yaml")

ORB = REPO / "orb"
PARAMETER_TYPES = {"string", "boolean", "integer", "enum", "env_var_name", "steps", "executor"}


def load_orb() -> dict:
    return yaml.safe_load((ORB / "orb.yml").read_text())


def test_orb_has_the_schema_shape():
    orb = load_orb()
    assert str(orb["version"]) == "2.1"
    assert isinstance(orb["description"], str) and orb["description"].strip()
    assert set(orb["commands"]) == {"install", "login", "run"}
    for name, command in orb["commands"].items():
        assert isinstance(command["description"], str), name
        assert isinstance(command["steps"], list) and command["steps"], name
        for parameter, spec in command.get("parameters", {}).items():
            assert re.fullmatch(r"[a-z][a-z0-9-]*", parameter), parameter
            assert spec["type"] in PARAMETER_TYPES, (name, parameter)
            assert "description" in spec, (name, parameter)
        used = set(re.findall(r"<< *parameters\.([a-z0-9-]+) *>>", yaml.safe_dump(command["steps"])))
        assert used <= set(command.get("parameters", {})), (name, used)
    for example in orb["examples"].values():
        assert "coffer/run" in yaml.safe_dump(example["usage"])


def test_included_scripts_exist_and_parse():
    text = (ORB / "orb.yml").read_text()
    includes = re.findall(r"<<include\(([^)]+)\)>>", text)
    assert sorted(includes) == ["scripts/install.sh", "scripts/login.sh", "scripts/run.sh"]
    for include in includes:
        script = ORB / include
        assert script.is_file(), include
        assert subprocess.run(["bash", "-n", str(script)]).returncode == 0, include


def test_run_script_hands_the_step_to_coffer_run():
    script = (ORB / "scripts" / "run.sh").read_text()
    assert "exec coffer run" in script and "BASH_ENV" not in script
