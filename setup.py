"""Packaging glue pyproject.toml cannot express: ship the bundled corpus and templates.

The repository keeps ``knowledge/`` and ``prompts/`` at its top level, where people edit them;
a wheel carries them inside the package as ``bot/_bundled/knowledge`` and
``bot/_bundled/prompts`` (see :mod:`bot.bundled`). ``find_packages`` keeps every new
subpackage of ``bot`` included without a hand-kept list.
"""

from pathlib import Path

from setuptools import find_packages, setup

_BUNDLED = {"knowledge": "knowledge", "prompts": "prompts"}


def _data_packages() -> dict[str, str]:
    """Map ``bot._bundled.<dir>[.<subdir>]`` to each top-level data directory and subdirectory."""
    mapping = {}
    for name, top in _BUNDLED.items():
        for folder in [Path(top), *sorted(p for p in Path(top).rglob("*") if p.is_dir())]:
            if folder.name.startswith((".", "__")):
                continue
            package = ".".join(["bot._bundled", name, *folder.relative_to(top).parts])
            mapping[package] = folder.as_posix()
    return mapping


_DATA = _data_packages()
setup(
    packages=[*find_packages(include=["bot", "bot.*"]), *_DATA],
    package_dir=_DATA,
    package_data={package: ["*"] for package in _DATA},
)
