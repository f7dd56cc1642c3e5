"""Calling one service as the current actor and turning domain errors into messages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import streamlit as st

from planner import db
from planner.errors import PlannerError, SessionExpired, ValidationFailed
from ui.session import actor, forget


@dataclass(frozen=True)
class Result:
    ok: bool
    value: Any = None


def call(
    service: Callable[..., Any],
    *,
    readonly: bool = False,
    labels: dict[str, str] | None = None,
    reraise: tuple[type[PlannerError], ...] = (),
    **kwargs,
) -> Result:
    """Run `service(session, actor=…, now=…, **kwargs)`; show any domain error next to the form.

    Errors listed in `reraise` go back to the caller, which handles them itself (a conflict view).
    """
    try:
        with db.session(readonly=readonly) as s:
            return Result(True, service(s, actor=actor(), now=db.utcnow(), **kwargs))
    except reraise:
        raise
    except SessionExpired as exc:
        forget(str(exc))
        st.rerun()
    except ValidationFailed as exc:
        show_problems(exc.problems, labels or {})
    except PlannerError as exc:
        st.error(str(exc), icon=":material/error:")
    return Result(False)


def show_problems(problems: dict[str, str], labels: dict[str, str]) -> None:
    lines = [
        f"- **{labels.get(field, field.replace('_', ' ').capitalize())}**: {why}" for field, why in problems.items()
    ]
    st.error("Please correct the following, nothing was saved:\n" + "\n".join(lines), icon=":material/error:")
