"""Writing analytics exports for tests with the real headers of the fixtures in tests/fixtures/reach."""

from __future__ import annotations

import csv
import io
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "reach"


def _header(name: str) -> list[str]:
    first = (FIXTURES / name).read_text("utf-8-sig").splitlines()[0]
    return next(csv.reader([first]))


X_HEADER = _header("x-current.csv")
FACEBOOK_HEADER = _header("meta-facebook-posts.csv")


def export(header: list[str], rows: list[dict[str, object]], *, bom: bool = False) -> bytes:
    """A CSV file with `header`; each row names its cells by header (case and spaces ignored), others empty."""
    names = {name.strip().casefold(): name for name in header}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        cells = {names[key.strip().casefold()]: value for key, value in row.items()}
        writer.writerow(["" if cells.get(name) is None else str(cells[name]) for name in header])
    return (b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode("utf-8")


def x_row(post_id: str, text: str, *, day: str = "Tue, Jul 14, 2026", impressions: int = 100, **more) -> dict:
    return {"Post id": post_id, "Date": day, "Post text": text, "Impressions": impressions, **more}


def facebook_row(post_id: str, *, date: str = "Lifetime", title: str = "", reach: int = 100, **more) -> dict:
    return {
        "Post ID": post_id,
        "Page id": "109876543210987",
        "Publish Time": "11/23/2026 14:30",
        "Permalink": f"https://www.facebook.com/pakafghanyouth/posts/{post_id}",
        "Title": title,
        "Date": date,
        "Reach": reach,
        **more,
    }
