"""Personal data (admins): what is kept apart, the signed consent documents, erasing a member's personal data."""

import streamlit as st

from planner import consent, members
from planner.wording import count
from ui import labels
from ui.calls import call
from ui.session import actor
from ui.text import plain

OPENED = "privacy.opened"  # (document id, file) prepared for download
ERASED = "privacy.erased"  # the last erasure's report, shown once
UPLOADS = "privacy.upload.generation"  # a new generation empties the upload form after a success
JUST_KEPT = "privacy.kept"  # the document just uploaded: the next run chooses it under "Document"
LABELS = {"reference": "Consent reference", "person_label": "Person", "file": "File", "confirm_username": "Username"}

actor()  # the log-in screen, never content, for a tab without a live session
st.title("Personal data")
st.markdown(
    "Real names and phone numbers of members, and the signed consent forms of people featured in messages, "
    "are kept **apart from the working data**: no export, log or error message carries them, and the audit "
    "trail holds only ids and a form's fingerprint. Only admins see them, here and on **Team members**. "
    "Everyone else works with display names (pseudonyms), and a drafter learns only *whether* a signed form is "
    "on file for a consent reference."
)

# ---- consent records ---------------------------------------------------------------------------

st.subheader("Consent records")
st.caption(
    "Upload the signed form under the reference the message uses (e.g. CF-2026-014). PDF, JPEG or PNG, at most "
    "10 MB; the type is read from the file's content, and the file gets a name made by the server, so a person's "
    "name in the original file name is never kept. Every upload, download and deletion is recorded."
)
missing = call(consent.missing_forms, readonly=True).value or []
if missing:
    st.warning(
        f"**{count(len(missing), 'message')}** {'cites' if len(missing) == 1 else 'cite'} a consent form that is "
        "not on file. Ask the drafter for the "
        "signed form and upload it under the reference the message gives, before the post goes out.",
        icon=":material/pending:",
    )
    st.dataframe(
        [
            {
                "Message": m.title,
                "Consent reference in the message": m.reference,
                "Written by": m.written_by,
                "Status": labels.status(m.status),
                "Campaign": m.campaign,
            }
            for m in missing
        ],
        hide_index=True,
        placeholder="—",
        width="stretch",
    )
roster = call(members.list_members, readonly=True).value or []
names = {m.membership_id: f"{m.display_name} ({m.username})" for m in roster}
documents = call(consent.list_documents, readonly=True).value or []
if documents:
    st.markdown("**On file**")
    st.dataframe(
        [
            {
                "Reference": d.reference,
                "Person": d.person_label,
                "About member": d.subject or "",
                "File": d.file_name,
                "Type": d.media_type,
                "Size": f"{d.size_bytes / 1024:,.0f} KB" if d.size_bytes >= 1024 else f"{d.size_bytes} bytes",
                "Fingerprint": d.sha256[:12],
                "Uploaded by": d.uploaded_by,
                "Uploaded (UTC)": f"{d.uploaded_at:%Y-%m-%d %H:%M}",
            }
            for d in documents
        ],
        hide_index=True,
        placeholder="—",
        width="stretch",
    )
    by_id = {d.id: d for d in documents}
    if (kept := st.session_state.pop(JUST_KEPT, None)) in by_id:
        st.session_state["privacy.document"] = kept
    chosen = st.selectbox(
        "Document",
        list(by_id),
        format_func=lambda i: f"{by_id[i].reference} · {by_id[i].file_name}",
        key="privacy.document",
    )
    left, right = st.columns(2)
    if left.button("Prepare download", key="privacy.open", icon=":material/lock_open:"):
        opened = call(consent.open_document, document_id=chosen)
        if opened.ok:
            st.session_state[OPENED] = (chosen, opened.value)
    prepared, file = st.session_state.get(OPENED, (None, None))
    if file is not None and prepared == chosen:
        left.download_button(
            f"Download {file.file_name}",
            data=file.content,
            file_name=file.file_name,
            mime=file.media_type,
            key="privacy.download",
            icon=":material/download:",
        )
    sure = right.checkbox("Yes, delete this document for good", key=f"privacy.delete.sure.{chosen}")
    if right.button("Delete document", key="privacy.delete", icon=":material/delete:"):
        if not sure:
            right.error("Tick the box first: a deleted document cannot be brought back.")
        elif call(consent.delete_document, document_id=chosen).ok:
            st.session_state.pop(OPENED, None)
            st.toast("The document is deleted.", icon=":material/check:")
            st.rerun()
else:
    st.caption("No consent documents on file.")

generation = st.session_state.get(UPLOADS, 0)
with st.form(f"privacy.upload.{generation}"):
    left, right = st.columns(2)
    reference = left.text_input(
        "Consent reference", key=f"privacy.upload.reference.{generation}", placeholder="e.g. CF-2026-014"
    )
    person = right.text_input(
        "Person (optional)",
        key=f"privacy.upload.person.{generation}",
        help="A short label for admins, e.g. 'survivor, Lahore 2017'. Not needed, and never shown to others.",
    )
    subject = left.selectbox(
        "About a member (optional)",
        list(names),
        index=None,
        placeholder="Nobody in the team",
        format_func=names.get,
        key=f"privacy.upload.member.{generation}",
        help="Link it when the form is about one of your members: erasing their personal data then deletes it.",
    )
    upload = right.file_uploader(
        "Signed form (PDF, JPEG or PNG)",
        type=["pdf", "jpg", "jpeg", "png"],
        key=f"privacy.upload.file.{generation}",
        max_upload_size=consent.MAX_BYTES // (1024 * 1024),
    )
    if st.form_submit_button("Keep on file", type="primary", icon=":material/upload:"):
        if upload is None:
            st.error("Choose the file of the signed form first.")
        elif (
            kept := call(
                consent.upload_document,
                labels=LABELS,
                data=upload.getvalue(),
                reference=reference,
                person_label=person,
                subject_membership_id=subject,
            )
        ).ok:
            st.session_state[UPLOADS] = generation + 1
            st.session_state[JUST_KEPT] = kept.value.id
            st.toast("The consent document is on file.", icon=":material/check:")
            st.rerun()

# ---- erasure -----------------------------------------------------------------------------------

st.subheader("Erase a member's personal data")
if report := st.session_state.pop(ERASED, None):
    st.success(
        f"Erased the personal data of **{plain(report.username)}**: real name and phone "
        f"{'deleted' if report.personal_detail_removed else '(none were on file)'}, "
        f"{count(report.consent_documents_removed, 'consent document')} deleted, "
        f"{count(report.sessions_ended, 'session')} ended.",
        icon=":material/check:",
    )
st.markdown(
    "**Deleted for good:** the member's real name and phone number, every consent document linked to them, and "
    "their log-in sessions (they are logged out everywhere).\n\n"
    "**Kept:** their username and display name (the pseudonym the team knows them by), their role and "
    "membership, the campaigns, messages, variants, comments, approvals and posts they worked on, and the audit "
    "trail, which records this erasure with ids only. Free text the team wrote (a comment, a draft) is not "
    "searched: edit it in the studio if it names them. Backups made before today still hold the old data.\n\n"
    "To stop them logging in as well, deactivate them on **Team members**."
)
if roster:
    by_member = {m.membership_id: m for m in roster}
    chosen_member = st.selectbox(
        "Member", list(by_member), format_func=names.get, index=None, placeholder="Choose", key="privacy.erase.member"
    )
    if chosen_member is not None:
        member = by_member[chosen_member]
        about = sum(d.subject_membership_id == member.membership_id for d in documents)
        st.caption(
            f"On file: real name {'yes' if member.real_name else 'no'} · phone {'yes' if member.phone else 'no'} · "
            f"consent documents about them: {about} · live sessions: {member.live_sessions}"
        )
        with st.form(f"privacy.erase.{member.membership_id}"):
            typed = st.text_input(
                f"Type their username, {plain(member.username)}, to confirm",
                key=f"privacy.erase.confirm.{member.membership_id}",
            )
            if st.form_submit_button("Erase personal data", type="primary", icon=":material/delete_forever:"):
                erased = call(
                    members.erase_personal_data,
                    labels=LABELS,
                    membership_id=member.membership_id,
                    confirm_username=typed,
                )
                if erased.ok:
                    st.session_state[ERASED] = erased.value
                    st.session_state.pop("privacy.erase.member", None)
                    st.rerun()
