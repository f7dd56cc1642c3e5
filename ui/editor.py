"""A text area that reports what is typed while the user types, so limits can be shown live.

Streamlit's own text area reports only when the field loses focus. This small component (inline
HTML and JavaScript, served by this server, nothing fetched) sends the text 300 ms after the last
keystroke; Python measures it and shows the counters. The text lives in the component's state, so
a rerun or a refused save never loses a word. Python replaces the text only on purpose (inserting a
template, loading the stored version), by raising `revision`.
"""

from __future__ import annotations

import streamlit as st

_HTML = """
<label class="planner-editor">
  <span class="planner-editor-label"></span>
  <textarea rows="7" spellcheck="true"></textarea>
</label>
"""

_CSS = """
.planner-editor { display: flex; flex-direction: column; gap: 0.35rem; font-family: var(--st-font); }
.planner-editor-label { font-size: 0.875rem; color: var(--st-text-color); }
.planner-editor textarea {
  width: 100%; box-sizing: border-box; resize: vertical; min-height: 9rem; padding: 0.6rem 0.75rem;
  font: inherit; font-size: 1.05rem; line-height: 1.7; color: var(--st-text-color);
  background: var(--st-secondary-background-color); border: 1px solid var(--st-border-color, #d6d6d9);
  border-radius: 0.5rem; unicode-bidi: plaintext;
}
.planner-editor textarea:focus { outline: 2px solid var(--st-primary-color); outline-offset: 0; }
"""

_JS = """
export default function (component) {
  const { data, setStateValue, parentElement } = component;
  const area = parentElement.querySelector("textarea");
  const label = parentElement.querySelector(".planner-editor-label");
  label.textContent = data.label;
  area.setAttribute("aria-label", data.label);
  area.dir = data.dir;
  area.lang = data.lang;
  area.placeholder = data.placeholder || "";
  if (area.dataset.revision !== String(data.revision)) {
    area.dataset.revision = String(data.revision);
    area.value = data.text;
    // Report back only text Python replaced. On first showing Python already holds data.text, and a
    // report would run the whole page once more just after it appeared (closing any list opened meanwhile).
    if (data.replaced) setStateValue("text", area.value);
  }
  if (!area.dataset.listening) {
    area.dataset.listening = "1";
    let timer = null;
    const send = () => setStateValue("text", area.value);
    area.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(send, 300); });
    area.addEventListener("blur", () => { clearTimeout(timer); send(); });
  }
}
"""

_component = st.components.v2.component("planner_live_text", html=_HTML, css=_CSS, js=_JS)


def _revision_key(key: str) -> str:
    return f"{key}.revision"


def replace_text(key: str, text: str) -> None:
    """Put `text` into the editor on the next run (a template, the stored version)."""
    st.session_state[_revision_key(key)] = st.session_state.get(_revision_key(key), 0) + 1
    st.session_state[f"{key}.pending"] = text


def live_text(key: str, *, label: str, initial: str, direction: str, language: str, placeholder: str = "") -> str:
    """Render the editor; return the text as typed so far."""
    pending = st.session_state.get(f"{key}.pending")
    revision = st.session_state.get(_revision_key(key), 0)
    held = (st.session_state.get(key) or {}).get("text")  # what the component last reported, if it lives on
    shown = pending if pending is not None else held if held is not None else initial
    result = _component(
        key=key,
        data={
            "text": shown,
            "replaced": pending is not None,
            "revision": revision,
            "label": label,
            "dir": direction,
            "lang": language,
            "placeholder": placeholder,
        },
        default={"text": initial},
        on_text_change=lambda: None,
    )
    typed = result.text if result.text is not None else initial
    if pending is not None:
        if typed == pending:
            del st.session_state[f"{key}.pending"]
        else:
            return pending
    return typed
