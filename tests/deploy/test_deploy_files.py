"""The nginx site in deploy/ agrees with the pinned Streamlit and with .streamlit/config.toml."""

from __future__ import annotations

import base64
import hashlib
import re
import tomllib
from pathlib import Path

import streamlit

from planner.config import ROOT

SITE = (ROOT / "deploy" / "nginx-planner.conf").read_text()


def _policy() -> str:
    return re.search(r'add_header Content-Security-Policy "([^"]+)" always;', SITE).group(1)


def _inline_script_hashes() -> set[str]:
    page = (Path(streamlit.__file__).parent / "static" / "index.html").read_text()
    bodies = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", page, re.S)
    return {f"'sha256-{base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()}'" for body in bodies}


def test_the_content_security_policy_allows_exactly_the_inline_scripts_of_the_pinned_streamlit():
    allowed = set(re.findall(r"'sha256-[^']+'", _policy()))
    assert allowed == _inline_script_hashes(), (
        f"Streamlit's index.html changed: put {' '.join(sorted(_inline_script_hashes()))} into script-src "
        "of deploy/nginx-planner.conf and check the app in a browser for CSP errors (docs/deploy.md, step 7)"
    )


def test_the_policy_allows_nothing_from_another_origin_and_no_script_eval():
    sources = {token for directive in _policy().split(";") for token in directive.split()[1:]}
    assert sources <= {"'self'", "'none'", "'unsafe-inline'", "'wasm-unsafe-eval'", "data:", "blob:"} | set(
        re.findall(r"'sha256-[^']+'", _policy())
    )
    script_src = next(d for d in _policy().split(";") if d.split()[0] == "script-src")
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src


def test_nginx_accepts_a_little_more_than_streamlits_upload_limit():
    streamlit_mib = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["server"]["maxUploadSize"]
    nginx_mib = int(re.search(r"client_max_body_size (\d+)m;", SITE).group(1))
    assert streamlit_mib < nginx_mib <= streamlit_mib + 2
