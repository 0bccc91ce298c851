"""The README's CircleCI demo, run exactly as written: `coffer ci-oidc serve`,
`coffer server -dev`, and the real `bao` CLI doing the guide's workflow."""

from __future__ import annotations

import os
import re
import subprocess
import time

from conftest import REPO, bao_bin, coffer_bin, coffer_only, free_port

pytestmark = coffer_only


def demo_script() -> str:
    text = (REPO / "README.md").read_text()
    section = text.split("## Demo", 1)[1]
    return re.search(r"```bash\n(.*?)```", section, re.S).group(1)


def test_readme_demo_runs_the_guides_flow(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "coffer").symlink_to(coffer_bin())
    (bin_dir / "bao").symlink_to(bao_bin())
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BAO_", "VAULT_"))}
    env.update(PATH=f"{bin_dir}:{env['PATH']}", HOME=str(tmp_path), TMPDIR=str(tmp_path),
               ISSUER_PORT=str(free_port()), SERVER_PORT=str(free_port()))
    started = time.monotonic()
    result = subprocess.run(["bash", "-c", demo_script()], capture_output=True, text=True, env=env, timeout=120)
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "production db password: demo-production-password" in result.stdout
    assert "staging: denied, as the policy says" in result.stdout
    assert elapsed < 60, f"the demo took {elapsed:.1f}s"
