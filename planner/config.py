"""Settings read from the environment, in one place so the README's table can list them all."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONTENT_DIR = ROOT / "content"
DEFAULT_DATABASE_URL = f"sqlite:///{ROOT / 'data' / 'planner.db'}"


@dataclass(frozen=True)
class Settings:
    database_url: str
    demo_password: str | None
    session_idle_minutes: int
    session_absolute_hours: int
    lockout_threshold: int
    lockout_minutes: int


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, got {raw!r}") from None
    if value <= 0:
        raise SystemExit(f"{name} must be positive, got {value}")
    return value


def settings() -> Settings:
    """Read the environment now (not at import time), so tests can change it."""
    return Settings(
        database_url=os.environ.get("PLANNER_DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL,
        demo_password=os.environ.get("PLANNER_DEMO_PASSWORD") or None,
        session_idle_minutes=_int("PLANNER_SESSION_IDLE_MINUTES", 30),
        session_absolute_hours=_int("PLANNER_SESSION_ABSOLUTE_HOURS", 12),
        lockout_threshold=_int("PLANNER_LOCKOUT_THRESHOLD", 5),
        lockout_minutes=_int("PLANNER_LOCKOUT_MINUTES", 15),
    )
