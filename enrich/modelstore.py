"""Shipped model artefacts: where they live and checksum verification at load.

Each artefact is a folder ``models/<name>/`` with a ``CARD.md`` (source data, licence, label
set, metrics, size) and a ``SHA256SUMS`` file (``<sha256>  <file>`` lines, as ``sha256sum``
writes them). In a wheel the folder is installed as ``enrich/_models``; in a source checkout it
is the repository's ``models/``.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from .errors import NotConfigured

_PKG = Path(__file__).resolve().parent


def models_root() -> Path:
    env = os.environ.get("ENRICH_MODELS_DIR")
    if env:
        return Path(env)
    installed = _PKG / "_models"
    if installed.is_dir():
        return installed
    return _PKG.parent / "models"


def examples_root() -> Path:
    installed = _PKG / "_examples"
    return installed if installed.is_dir() else _PKG.parent / "examples"


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def model_dir(name: str, family: str, *, verify: bool = True) -> Path:
    """The folder of artefact ``name``, its files verified against ``SHA256SUMS``.

    Raises :class:`NotConfigured` (disabling ``family`` alone) when missing or corrupt.
    """
    folder = models_root() / name
    sums = folder / "SHA256SUMS"
    if not sums.is_file():
        raise NotConfigured(family, f"model {name!r} not found at {folder}")
    if verify:
        for line in sums.read_text().splitlines():
            if not line.strip():
                continue
            digest, _, fname = line.partition("  ")
            target = folder / fname.strip()
            if not target.is_file():
                raise NotConfigured(family, f"model {name!r} is missing {fname.strip()}")
            if sha256_file(target) != digest.strip():
                raise NotConfigured(family, f"model {name!r}: checksum mismatch for {fname.strip()}")
    return folder


def write_sums(folder: Path, files: list[str] | None = None) -> None:
    """Write ``SHA256SUMS`` for the artefact files of ``folder`` (used by training commands)."""
    names = files or sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")
                            if p.is_file() and p.name not in {"SHA256SUMS", "CARD.md"})
    lines = [f"{sha256_file(folder / n)}  {n}" for n in names]
    (folder / "SHA256SUMS").write_text("\n".join(lines) + "\n")
