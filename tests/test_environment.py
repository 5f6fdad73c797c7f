"""The environment is the lock: pyproject.toml's ranges, requirements.lock's pins and environment.yml agree,
and the running interpreter has exactly the locked versions."""
import re
import tomllib
from importlib import metadata

import pytest
import yaml
from packaging.requirements import Requirement

from analysis import paths

LOCK = paths.ROOT / "requirements.lock"


def norm(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def lock_pins():
    text = LOCK.read_text(encoding="utf-8")
    pins = {}
    for block in re.split(r"\n(?=\S)", text):
        m = re.match(r"^([A-Za-z0-9_.\-]+)==([^\s\\;]+)", block)
        if m:
            pins[norm(m.group(1))] = (m.group(2), block)
    return pins


def pyproject_requirements():
    py = tomllib.loads((paths.ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    reqs = py["project"]["dependencies"] + [r for extra in py["project"]["optional-dependencies"].values()
                                            for r in extra]
    return [Requirement(r) for r in reqs]


def test_every_declared_dependency_is_pinned_within_its_range():
    pins = lock_pins()
    for req in pyproject_requirements():
        assert norm(req.name) in pins, f"{req.name} is not in requirements.lock: run `make lock`"
        version = pins[norm(req.name)][0]
        assert req.specifier.contains(version, prereleases=True), (req.name, version, str(req.specifier))


def test_every_pin_is_exact_and_hashed():
    for name, (version, block) in lock_pins().items():
        assert "--hash=sha256:" in block, name


def test_lock_covers_the_dev_extra_and_python_of_environment_yml():
    head = LOCK.read_text(encoding="utf-8")[:600]
    assert "--extra=dev" in head and "--generate-hashes" in head
    py = re.search(r"with Python (\d+\.\d+)", head).group(1)
    env = yaml.safe_load((paths.ROOT / "environment.yml").read_text(encoding="utf-8"))
    assert f"python={py}" in env["dependencies"]
    requires = tomllib.loads((paths.ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["requires-python"]
    assert requires == f">={py}", "pyproject's requires-python must start at the Python the lock is resolved for"
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert pip == ["-r requirements.lock"]


def test_installed_versions_are_the_locked_ones():
    pins = lock_pins()
    wrong = []
    for name, (version, _) in pins.items():
        try:
            have = metadata.version(name)
        except metadata.PackageNotFoundError:
            wrong.append(f"{name}: not installed (locked {version})")
            continue
        if norm(have) != norm(version):
            wrong.append(f"{name}: {have} installed, {version} locked")
    if wrong and not (paths.ROOT / ".venv" / ".installed-stamp").is_file():
        pytest.skip("not running in the Makefile's .venv")
    assert not wrong, "; ".join(wrong[:10])


def test_one_version_everywhere():
    """analysis.__version__ (the installed distribution), pyproject.toml and CITATION.cff cite one version."""
    import analysis

    py = tomllib.loads((paths.ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    cff = yaml.safe_load((paths.ROOT / "CITATION.cff").read_text(encoding="utf-8"))["version"]
    assert analysis.__version__ == py == str(cff), "reinstall (make setup) after changing the version"
