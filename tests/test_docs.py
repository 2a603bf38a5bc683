"""The repository's own documents: generated pages up to date, every relative link resolving."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from daftar.commands.docs import RULES_PAGE, rules_markdown
from daftar.domain.rules import RULE_SUMMARIES, RULE_TEXTS

ROOT = Path(__file__).resolve().parent.parent
DAFTAR = str(Path(sys.executable).parent / "daftar")
#: The pages a newcomer reads: the README and everything under docs/.
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")


def test_the_rule_page_is_what_the_generator_makes() -> None:
    assert (ROOT / RULES_PAGE).read_text(encoding="utf-8") == rules_markdown(), (
        "docs/rules.md is out of date: run `.venv/bin/daftar docs rules --out docs/rules.md`")


def test_every_rule_has_an_english_and_a_persian_statement() -> None:
    assert set(RULE_SUMMARIES) == set(RULE_TEXTS)
    page = rules_markdown()
    for rule in RULE_TEXTS:
        assert f"`{rule}`" in page


def test_the_check_command_fails_on_a_stale_page(tmp_path: Path) -> None:
    stale = tmp_path / "rules.md"
    stale.write_text("# old\n", encoding="utf-8")
    bad = subprocess.run([DAFTAR, "docs", "rules", "--check", str(stale)],
                         capture_output=True, text=True)
    assert bad.returncode == 1 and "out of date" in bad.stderr
    ok = subprocess.run([DAFTAR, "docs", "rules", "--check", str(ROOT / RULES_PAGE)],
                        capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_resolves_inside_the_repository(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    for target in LINK.findall(text):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
            continue  # a URL, or an anchor of the page itself
        path = (page.parent / target.split("#", 1)[0]).resolve()
        assert path.is_relative_to(ROOT), f"{page.name} links outside the repository: {target}"
        assert path.exists(), f"{page.name} links to {target}, which does not exist"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_page_sends_the_reader_outside_the_repository(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    for outside in ("../shared", "DOMAIN.md", "DESIGN.md", "API.md", "STYLE.md", "seeds/"):
        assert outside not in text, f"{page.name} mentions {outside}"


# --- the API reference against the routes the app serves -------------------------------------

_ENDPOINT = re.compile(r"`(GET|POST|PUT|PATCH|DELETE) ([^`\s]+)`")


def _endpoints(markdown: str) -> set[tuple[str, str]]:
    """(method, path) of every endpoint a reference table names.

    `.../x/y` continues the path named before it in the same cell from its segment `x`; path
    parameters are compared by position only.
    """
    found: set[tuple[str, str]] = set()
    for line in markdown.splitlines():
        if not line.startswith("| `"):
            continue
        cell = line.split("|")[1]
        previous = ""
        for method, path in _ENDPOINT.findall(cell):
            if path.startswith(".../"):
                at = previous.find("/" + path.split("/")[1])
                path = (previous[:at] if at >= 0 else previous) + path[3:]
            previous = path
            found.add((method, re.sub(r"\{[^}]*\}", "{}", path)))
    return found


def _reference() -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """The served and the planned endpoints of docs/api.md."""
    text = (ROOT / "docs" / "api.md").read_text()
    served, planned = "", ""
    for section in re.split(r"\n(?=##+ )", text):
        if section.startswith("## Endpoints"):
            served += section
        elif section.startswith("### ") and "(planned)" in section.splitlines()[0]:
            planned += section
    return _endpoints(served), _endpoints(planned)


def _routes() -> set[tuple[str, str]]:
    from daftar.app import create_app
    from tests.stacks import api_settings

    document = create_app(api_settings("unused")).openapi()
    return {(method.upper(), re.sub(r"\{[^}]*\}", "{}", path))
            for path, operations in document["paths"].items() for method in operations
            if path.startswith("/v1/") or path in ("/healthz", "/readyz")}


def test_the_api_reference_names_every_served_endpoint_and_only_those() -> None:
    served, _ = _reference()
    routes = _routes()
    assert routes - served == set(), "served but not in docs/api.md's endpoint table"
    assert served - routes == set(), "in docs/api.md's endpoint table but not served"


def test_no_planned_endpoint_is_served_yet() -> None:
    _, planned = _reference()
    assert planned & _routes() == set(), "served: move it to docs/api.md's endpoint table"


def test_the_endpoint_reader_follows_continued_paths() -> None:
    line = "| `GET /v1/cycles/{year}/x`, `GET .../x/scores` | who | what |"
    assert _endpoints(line) == {("GET", "/v1/cycles/{}/x"), ("GET", "/v1/cycles/{}/x/scores")}
