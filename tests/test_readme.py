"""The README's two set-up commands are the ones CI and users run."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _readme_commands():
    block = re.search(r"## Set up and run.*?```sh\n(.*?)```", (ROOT / "README.md").read_text(),
                      re.S).group(1)
    return [line for line in block.splitlines() if line and not line.startswith("#")]


def test_readme_gives_exactly_two_commands_and_ci_runs_the_test_one():
    main_cmd, test_cmd = _readme_commands()
    assert "balance demo" in main_cmd and "pytest" in test_cmd
    assert test_cmd in (ROOT / ".ci" / "run").read_text()
