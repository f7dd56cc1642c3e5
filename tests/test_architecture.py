"""House rules kept by a test: the domain knows no screen, pages do not talk SQL."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def python_files(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


@pytest.mark.parametrize("path", python_files("planner"), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_domain_never_imports_streamlit(path):
    assert "streamlit" not in imported_modules(path)


@pytest.mark.parametrize(
    "path", python_files("screens") + python_files("ui") + [ROOT / "app.py"], ids=lambda p: str(p.relative_to(ROOT))
)
def test_screens_never_talk_to_the_database_directly(path):
    assert not imported_modules(path) & {"sqlalchemy", "sqlmodel", "sqlite3", "psycopg"}


def test_the_rule_checker_sees_imports_inside_functions(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from streamlit import session_state\n", "utf-8")
    assert "streamlit" in imported_modules(sample)


def test_no_page_or_template_fetches_from_the_internet():
    """No CDN, web fonts or remote icons: nothing a page ships may name an outside address."""
    offenders = []
    for path in python_files("screens") + python_files("ui") + [ROOT / "app.py", ROOT / ".streamlit" / "config.toml"]:
        hosts = set(re.findall(r"https?://([a-z0-9][a-z0-9.-]*)", path.read_text("utf-8"), re.IGNORECASE))
        if hosts - {"localhost", "127.0.0.1"}:
            offenders.append(f"{path.relative_to(ROOT)}: {sorted(hosts)}")
    assert offenders == []


def test_no_folder_named_pages_sits_beside_the_entry_file():
    # Streamlit would list its files on a fresh server's log-in screen and run them without app.py
    # (see the README's "Why the screens live in screens/").
    assert not (ROOT / "pages").exists()


def _in_ranges(character: str, ranges: str) -> bool:
    for part in ranges.split(","):
        low, _, high = part.strip().removeprefix("U+").partition("-")
        if int(low, 16) <= ord(character) <= int(high or low, 16):
            return True
    return False


def test_the_font_for_urdu_pashto_and_dari_is_served_from_here_and_covers_their_letters():
    """Many computers and phones lack Pashto's ۍ ړ ږ ښ ګ ڼ: the theme brings its own font, from this server."""
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text("utf-8"))
    assert config["server"]["enableStaticServing"] is True
    (face,) = config["theme"]["fontFaces"]
    assert face["family"] in config["theme"]["font"]
    served = ROOT / "static" / face["url"].removeprefix("app/static/")
    assert served.is_file() and served.read_bytes()[:4] == b"wOF2"
    assert (served.parent / "OFL-noto-naskh-arabic.txt").is_file()  # the font's licence travels with it
    letters = "ټډړږښګڼۍېځڅ" + "پچژگکی" + "ٹڈڑںہھے" + "۰۱۲۳۴۵۶۷۸۹،؛؟" + "\u200c"
    assert [c for c in letters if not _in_ranges(c, face["unicodeRange"])] == []
    assert not _in_ranges("a", face["unicodeRange"])  # Latin stays in Streamlit's own Source Sans
    from planner import report

    # The donor report carries the same font, inlined, for the same letters.
    assert (served, face["unicodeRange"]) == (report.ARABIC_FONT, report.ARABIC_RANGE)
