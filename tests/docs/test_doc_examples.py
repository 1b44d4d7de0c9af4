"""Every ```bash / ```python block of README.md and docs/*.md runs as written (doc_blocks.py has the rules).

Each block is one test named after its file and line (`docs/cycle.md:10`), so a failure says which
example of which page stopped working, with the block and the tail of its output.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.docs.doc_blocks import ROOT, SKIP_MARK, Block, blocks, check_json, run, runnable, shell_script

BLOCKS = runnable()


@pytest.mark.parametrize("block", BLOCKS, ids=[f"{b.where}[{b.lang}]" for b in BLOCKS])
def test_doc_block_runs(block: Block, tmp_path: Path) -> None:
    if block.skipped:
        pytest.skip(f"{block.where}: marked {SKIP_MARK}")
    try:
        done = run(block, tmp_path)
    except ValueError as exc:
        pytest.fail(f"{block.where} ({block.lang}): {exc}\n--- block ---\n{block.text}", pytrace=False)
    if done.returncode != 0:
        tail = lambda s: "\n".join(s.strip().splitlines()[-25:])  # noqa: E731
        pytest.fail(
            f"{block.where} ({block.lang}) exited with {done.returncode}\n--- block ---\n{block.text}\n"
            f"--- stdout (tail) ---\n{tail(done.stdout)}\n--- stderr (tail) ---\n{tail(done.stderr)}",
            pytrace=False,
        )


def test_every_page_is_collected() -> None:
    pages = {b.path.relative_to(ROOT).as_posix() for b in BLOCKS}
    assert "README.md" in pages and "docs/cycle.md" in pages


def test_skip_mark_applies_to_the_next_block_only(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        f"text\n\n{SKIP_MARK}\n```bash\nscripts/run\n```\n\n```python\nprint(1)\n```\n"
        f"{SKIP_MARK}\nnot a block\n```json\n{{}}\n```\n",
        encoding="utf-8",
    )
    found = blocks(page)
    expected = [("bash", 4, True), ("python", 8, False), ("json", 13, False)]
    assert [(b.lang, b.line, b.skipped) for b in found] == expected


def test_console_blocks_run_the_prompt_lines_only() -> None:
    block = Block(ROOT / "README.md", 1, "console", "$ migralex --help\nUsage: migralex\n$ ls", False)
    assert shell_script(block) == "migralex --help\nls"


def test_json_blocks_must_parse() -> None:
    check_json(Block(ROOT / "README.md", 1, "json", '{"a": 1}', False))
    check_json(Block(ROOT / "README.md", 1, "json", '{"a": 1}\n{"b": 2}', False))
    with pytest.raises(ValueError, match="not JSON"):
        check_json(Block(ROOT / "README.md", 1, "json", '{"a": 1, // comment\n}', False))


def test_a_failing_block_fails_with_its_place(tmp_path: Path) -> None:
    block = Block(ROOT / "README.md", 7, "bash", "migralex --version\nfalse\necho unreachable", False)
    done = run(block, tmp_path)
    assert done.returncode != 0 and "unreachable" not in done.stdout
    assert block.where == "README.md:7"
