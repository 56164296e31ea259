"""Test and development code stays out of the application: no module under balance/
(except the testing package itself) imports the synthetic person or tools/."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BANNED = ("balance.testing", "tools")


def imported_modules(path):
    """Every module an ``import`` names in ``path``, at any depth (lazy imports too)."""
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
            # ``from balance import testing`` names the package in the alias
            yield from (f"{node.module}.{a.name}" for a in node.names)


def is_banned(module):
    return any(module == b or module.startswith(b + ".") for b in BANNED)


def test_no_runtime_module_imports_test_or_tool_code():
    runtime = [p for p in (ROOT / "balance").rglob("*.py")
               if "testing" not in p.relative_to(ROOT / "balance").parts]
    assert len(runtime) > 50  # the walk found the package
    offenders = {str(p.relative_to(ROOT)): m for p in runtime
                 for m in imported_modules(p) if is_banned(m)}
    assert offenders == {}


def test_the_check_sees_every_import_form(tmp_path):
    """The walk must catch each way a module can be named, or the test above is empty."""
    for line in ("import balance.testing.synthetic", "from balance.testing import synthetic",
                 "from balance import testing", "import tools.yoga82",
                 "def f():\n    from tools.yoga_calibrate import calibrate"):
        f = tmp_path / "m.py"
        f.write_text(line + "\n")
        assert any(is_banned(m) for m in imported_modules(f)), line
    (tmp_path / "m.py").write_text("from balance.yoga import poses\nimport toolz\n")
    assert not any(is_banned(m) for m in imported_modules(tmp_path / "m.py"))
