"""Documentation tests in the Datasette manner: something that exists but is undocumented fails."""

from __future__ import annotations

import re

import pytest

from enrich.cli import build_parser
from enrich.errors import ErrorCode
from enrich.modelstore import sha256_file
from enrich.reference import errors_markdown, settings_classes, settings_markdown

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_settings_md_is_current() -> None:
    assert (ROOT / "docs" / "settings.md").read_text(encoding="utf-8") == settings_markdown(), (
        "docs/settings.md is stale: run `python -m enrich.reference`")


def test_errors_md_is_current() -> None:
    assert (ROOT / "docs" / "errors.md").read_text(encoding="utf-8") == errors_markdown(), (
        "docs/errors.md is stale: run `python -m enrich.reference`")


@pytest.mark.parametrize("title", list(settings_classes()))
def test_every_setting_has_a_description(title: str) -> None:
    cls = settings_classes()[title]
    missing = [name for name, f in cls.model_fields.items() if not (f.description or "").strip()]
    assert not missing, f"{title}: settings without a description: {missing}"


def test_every_cli_command_is_in_readme() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name in sub.choices:  # type: ignore[union-attr]
        assert f"enrich {name}" in README, f"`enrich {name}` is not shown in README.md"


def test_readme_has_the_two_commands() -> None:
    for marker in ("<!-- install-and-run -->", "<!-- test-command -->"):
        block = README.split(marker, 1)[1].split("```sh", 1)[1].split("```", 1)[0].strip()
        assert block and "\n" not in block, f"{marker} must be exactly one command"


def test_service_error_codes_are_documented_in_api_md() -> None:
    api = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    for err in ErrorCode:
        if err.code.startswith("E3"):
            assert err.code in api, f"{err.code} ({err.slug}) is not in docs/api.md"


MODEL_DIRS = sorted(p for p in (ROOT / "models").iterdir() if p.is_dir() and (p / "SHA256SUMS").exists())


def test_every_model_folder_has_a_card() -> None:
    for folder in (p for p in (ROOT / "models").iterdir() if p.is_dir()):
        if folder.name.startswith((".", "_")):
            continue
        assert (folder / "CARD.md").is_file(), f"{folder.name} has no CARD.md"
        assert (folder / "SHA256SUMS").is_file(), f"{folder.name} has no SHA256SUMS"


@pytest.mark.parametrize("folder", MODEL_DIRS, ids=lambda p: p.name)
def test_model_cards_and_checksums(folder) -> None:  # type: ignore[no-untyped-def]
    card = (folder / "CARD.md").read_text(encoding="utf-8").lower()
    for word in ("licen", "source", "sha256"):
        assert word in card, f"{folder.name}/CARD.md does not mention {word}"
    for line in (folder / "SHA256SUMS").read_text().splitlines():
        if line.strip():
            digest, name = re.split(r"\s+", line.strip(), maxsplit=1)
            assert sha256_file(folder / name) == digest, f"{folder.name}/{name} does not match SHA256SUMS"


@pytest.mark.parametrize("folder", MODEL_DIRS, ids=lambda p: p.name)
def test_digests_quoted_in_cards_are_current(folder) -> None:  # type: ignore[no-untyped-def]
    sums: dict[str, str] = {}
    for line in (folder / "SHA256SUMS").read_text().splitlines():
        if line.strip():
            digest, name = re.split(r"\s+", line.strip(), maxsplit=1)
            sums[name] = digest
    card = (folder / "CARD.md").read_text(encoding="utf-8")
    quoted = re.findall(r"\|\s*`([^`]+)`\s*\|\s*`([0-9a-f]{64})`\s*\|", card)
    for name, digest in quoted:
        assert sums.get(name) == digest, f"{folder.name}/CARD.md quotes a stale sha256 for {name}"
