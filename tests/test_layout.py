"""The house rules of README.md's Layout section, checked on the real import graph."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import grimp
import pytest
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "handlers", "scheduler", "storage")
LARGEST_MODULE = 300
# Start-up aside, everything in bot/ lives in a domain package.
FLAT_IN_BOT = {"__init__.py", "__main__.py"}


def test_the_layering_contracts_hold(capsys: pytest.CaptureFixture[str]) -> None:
    """Layers, plain rules, thin handlers and a plain core: see `[tool.importlinter]`."""
    # The command line reconfigures logging for the whole process, which silences every logger
    # that exists already: the tests that run after this one in the same process listen to them.
    loggers = [
        logger
        for logger in logging.root.manager.loggerDict.values()
        if isinstance(logger, logging.Logger)
    ]
    silenced = {logger: logger.disabled for logger in loggers}
    try:
        broken = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True)
    finally:
        for logger, disabled in silenced.items():
            logger.disabled = disabled

    report = capsys.readouterr().out
    assert broken == 0, report
    assert "4 kept, 0 broken" in report


def _cycles(graph: grimp.ImportGraph) -> Iterator[list[str]]:
    """Strongly connected groups of modules (Tarjan), each a cycle of imports."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()

    def visit(module: str) -> Iterator[list[str]]:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if imported not in index:
                yield from visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                yield sorted(group)

    for module in sorted(graph.modules):
        if module not in index:
            yield from visit(module)


def test_no_module_imports_itself_back() -> None:
    graph = grimp.build_graph(*PACKAGES)

    assert list(_cycles(graph)) == []


def test_every_production_module_is_small_enough_to_live_in() -> None:
    sizes = {
        str(path.relative_to(ROOT)): len(path.read_text().splitlines())
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts
    }

    assert len(sizes) > 50
    assert {path: n for path, n in sizes.items() if n >= LARGEST_MODULE} == {}


def test_bot_holds_domain_packages_not_loose_modules() -> None:
    loose = {path.name for path in (ROOT / "bot").glob("*.py")}
    packages = {path.parent.name for path in (ROOT / "bot").glob("*/__init__.py")}

    assert loose == FLAT_IN_BOT
    assert {"core", "slack", "foundation", "server", "ideas", "votes", "experiments"} <= packages
