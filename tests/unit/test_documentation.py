"""The documentation site says what the code does: checked here so the two cannot drift."""

import re
from pathlib import Path

import pytest

from domain.integration.records import importable

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ("domain", "persistence", "api")


def _page(name: str) -> str:
    return (ROOT / "docs" / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("resource", sorted(importable()))
def test_the_imports_page_names_every_heading_an_import_accepts(resource: str) -> None:
    page = _page("imports.md").casefold()
    columns = importable()[resource].columns
    missing = [
        heading
        for field, aliases in columns.items()
        for heading in (f"`{field}`", *aliases)
        if heading.casefold() not in page
    ]
    assert missing == [], f"docs/imports.md does not mention these {resource} headings"


def _feature_map() -> dict[str, list[list[str]]]:
    """The architecture page's feature map: feature -> the files it lists per layer."""
    rows: dict[str, list[list[str]]] = {}
    for line in _page("architecture.md").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 5 and re.fullmatch(r"`\w+`", cells[0]):
            rows[cells[0].strip("`")] = [re.findall(r"`(\w+)`", c) for c in cells[2:]]
    return rows


def test_the_architecture_page_maps_every_feature_folder_and_its_files() -> None:
    documented = _feature_map()
    actual: dict[str, list[list[str]]] = {}
    for index, layer in enumerate(LAYERS):
        for folder in sorted((ROOT / layer).iterdir()):
            if not (folder / "__init__.py").exists() or folder.name in {"graphql"}:
                continue
            files = sorted(p.stem for p in folder.glob("*.py") if p.name != "__init__.py")
            actual.setdefault(folder.name, [[], [], []])[index] = files
    assert documented == actual, "docs/architecture.md's feature map is out of date"
