"""Where the bundled corpus (``knowledge/``) and templates (``prompts/``) are on this install.

The repository keeps them at its top level, where they are edited; a built wheel (or a plain
``pip install .``) carries them inside the package as ``bot/_bundled/<name>`` (``setup.py``
maps them there). Looking inside the package first and falling back to the checkout makes a
wheel, a plain install, an editable install and a bare source tree all find the same files.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def bundled_path(name: str) -> Path:
    """The directory of bundled data ``name`` (``"knowledge"`` or ``"prompts"``)."""
    packaged = files("bot") / "_bundled" / name
    if packaged.is_dir():
        # A wheel is installed unpacked, so the resource is a real directory on disk.
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent / name
