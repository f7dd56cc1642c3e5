"""Themes: the shared taxonomy in English, Urdu, Pashto and Dari, with keywords and hashtags."""

import streamlit as st

from planner.languages import Language
from planner.themes import catalog
from ui.text import directed

st.title("Themes")
st.caption(
    "Every message is tagged with one or more themes. Labels, keywords and suggested hashtags come from "
    "content/themes.yaml, which editors can change without code. Sensitive themes need a second reviewer."
)

query = st.text_input(
    "Filter", key="themes.filter", placeholder="Type a word in any language, e.g. polio, پولیو, trade"
)
only_sensitive = st.toggle("Only sensitive themes", key="themes.sensitive")

needle = query.strip().casefold()
shown = [
    theme
    for theme in catalog().themes
    if (not only_sensitive or theme.sensitive) and (not needle or needle in theme.model_dump_json().casefold())
]
if not shown:
    st.info("No theme matches this filter.")

for theme in shown:
    badge = " · :orange-badge[:material/warning: sensitive — second reviewer]" if theme.sensitive else ""
    with st.expander(f"**{theme.label()}**{badge}", expanded=bool(needle)):
        st.markdown(theme.description)
        columns = st.columns(4)
        for column, language in zip(columns, Language, strict=True):
            with column:
                st.caption(language.label)
                st.html(directed(theme.label(language), language.direction))
                keywords = getattr(theme.keywords, str(language))
                if language is Language.UR:
                    keywords = keywords + theme.keywords.roman_ur
                st.html(directed(" · ".join(keywords), language.direction))
                st.html(directed(" ".join(getattr(theme.hashtags, str(language))), language.direction))
        st.caption(f"id: `{theme.id}`")
