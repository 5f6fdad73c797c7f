"""pyproject.toml and environment.yml list the same dependencies with the same ranges."""
import re
import tomllib

import yaml

from analysis import paths


def norm(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def split(req):
    m = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", req)
    return norm(m.group(1)), m.group(2).replace(" ", "")


def test_pyproject_and_environment_in_step():
    py = tomllib.loads((paths.ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    deps = dict(split(r) for r in py["project"]["dependencies"])
    env = yaml.safe_load((paths.ROOT / "environment.yml").read_text(encoding="utf-8"))
    conda, pip = {}, {}
    for d in env["dependencies"]:
        if isinstance(d, dict):
            pip.update(split(r) for r in d["pip"])
        else:
            n, spec = split(d)
            if n not in ("python", "pip"):
                conda[n] = spec
    assert "python=3.11" in env["dependencies"]
    assert not set(conda) & set(pip)
    assert {**conda, **pip} == deps
