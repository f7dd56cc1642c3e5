"""Import reach: drop a platform's analytics export, see what it would change, then import it."""

from datetime import date, timedelta

import streamlit as st

from planner import reach
from planner.policy import Action, allows
from planner.reach_files import MAX_BYTES, FileRefused
from planner.wording import count
from ui import reach_view
from ui.calls import call
from ui.session import actor
from ui.text import plain

DONE = "reach.done"  # the last import's report, shown once above an emptied uploader
UPLOADS = "reach.upload.generation"  # a new generation empties the uploader after an import

st.title("Import reach")
st.caption(
    "Download the export from Meta Business Suite (Facebook posts or Instagram content), X analytics, "
    "YouTube Studio (Table data) or TikTok Studio, and drop the CSV here. Nothing is written until you confirm; "
    "one bad row and nothing is written at all. Importing the same file again changes nothing."
)
if done := st.session_state.pop(DONE, None):
    unmatched = (
        f" {count(done['unmatched'], 'row')} {'matches' if done['unmatched'] == 1 else 'match'} no published post "
        "yet: link them under **Not matched yet** below."
        if done["unmatched"]
        else ""
    )
    st.success(
        f"Imported **{plain(done['name'])}** ({done['label']}): {done['inserted']:,} new, {done['updated']:,} updated, "
        f"{done['unchanged']:,} unchanged.{unmatched} The **Reach** page shows them now.",
        icon=":material/task_alt:",
    )
upload = st.file_uploader(
    "Analytics export (CSV)",
    type=["csv", "txt"],
    key=f"reach.file.{st.session_state.get(UPLOADS, 0)}",
    help=f"Up to {MAX_BYTES // (1024 * 1024)} MB.",
)
with st.expander("Dates without a year (TikTok overview)"):
    left, right = st.columns(2)
    first = left.date_input("Export from", value=date.today() - timedelta(days=28), key="reach.from")
    last = right.date_input("Export to", value=date.today(), key="reach.to")


def preview_and_import(upload) -> None:
    """The dry run's counts and row-by-row preview, then the confirmation."""
    data = upload.getvalue()
    try:
        preview = call(
            reach.import_reach,
            data=data,
            filename=upload.name,
            export_range=(first, last),
            dry_run=True,
            reraise=(FileRefused,),
        )
    except FileRefused as exc:
        st.error(str(exc), icon=":material/block:")
        st.dataframe(
            [{"Kind": k.label, "Needs the columns": ", ".join(k.required)} for k in exc.known_kinds],
            hide_index=True,
            placeholder="—",
            width="stretch",
        )
        return
    report = preview.value
    if report is None:
        return
    if report.refused:
        st.error(
            f"{count(len(report.errors), 'problem')} in {report.label}: nothing was imported. Fix them in the file "
            "(or download a fresh export) and drop it again.",
            icon=":material/error:",
        )
        st.dataframe([e.model_dump() for e in report.errors], hide_index=True, placeholder="—", width="stretch")
        return
    st.success(f"{report.label}: {count(report.rows, 'row')}.", icon=":material/task_alt:")
    if report.already_imported_at:
        st.info(
            f"This exact file was imported on {report.already_imported_at:%d %b %Y %H:%M} UTC: "
            "importing it again changes nothing.",
            icon=":material/history:",
        )
    columns = st.columns(4)
    for column, (label, value) in zip(
        columns,
        [
            ("New", report.inserted),
            ("Updated", report.updated),
            ("Unchanged", report.unchanged),
            ("Not matched to a post", report.unmatched),
        ],
        strict=True,
    ):
        column.metric(label, value)
    if report.unmatched:
        st.caption("Rows that match no published post are kept, so they can be linked to a post below.")
    reach_view.preview_table(report)
    if not report.already_imported_at and st.button(
        "Import", type="primary", key="reach.confirm", icon=":material/upload:"
    ):
        done = call(reach.import_reach, data=data, filename=upload.name, export_range=(first, last))
        if done.ok and not done.value.refused:
            st.session_state[DONE] = {"name": upload.name} | done.value.model_dump(
                include={"label", "inserted", "updated", "unchanged", "unmatched"}
            )
            st.session_state[UPLOADS] = st.session_state.get(UPLOADS, 0) + 1
            st.rerun()


if upload is not None:
    preview_and_import(upload)
reach_view.not_matched_yet(allows(actor().role, Action.SCHEDULE_POSTS))
