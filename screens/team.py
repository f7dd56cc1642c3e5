"""Team members (admins): add people, set roles and reviewers, deactivate, end sessions."""

import streamlit as st

from planner import members
from planner.models import Role
from planner.wording import count
from ui.calls import call
from ui.session import actor
from ui.text import plain

SECRET = "team.one_time_password"  # noqa: S105 - a session_state key, not a secret
LABELS = {"username": "Username", "display_name": "Display name", "phone": "Phone", "real_name": "Real name"}
ADDED = "team.add.done"  # set when a member was added: the next run empties the form

st.title("Team members")
st.caption(f"{plain(actor().team_name)}: who can log in, and what each person may do.")

if shown := st.session_state.get(SECRET):
    with st.container(border=True):
        st.success(
            f"One-time password for **{shown['username']}**. Give it to them in person or over a safe channel; "
            "it is shown only now. They must choose their own password at first log-in."
        )
        st.code(shown["password"], language=None)
        if st.button("I have passed it on — hide it", key="team.hide_secret"):
            del st.session_state[SECRET]
            st.rerun()

result = call(members.list_members, readonly=True)
roster = result.value if result.ok else []
st.dataframe(
    [
        {
            "Username": m.username,
            "Display name": m.display_name,
            "Role": m.role,
            "Sensitivity reviewer": m.sensitivity_reviewer,
            "Active": m.active,
            "Must set password": m.must_change_password,
            "Live sessions": m.live_sessions,
            "Real name (admins only)": m.real_name or "",
            "Phone (admins only)": m.phone or "",
        }
        for m in roster
    ],
    hide_index=True,
    placeholder="—",
    width="stretch",
)

add_tab, change_tab = st.tabs([":material/person_add: Add a member", ":material/manage_accounts: Change a member"])

if st.session_state.pop(ADDED, False):
    # Emptied before the form is drawn: deleting the keys would leave the last member's details in the browser.
    for field in ("username", "display_name", "real_name", "phone"):
        st.session_state[f"team.add.{field}"] = ""

with add_tab, st.form("team.add", clear_on_submit=False):
    left, right = st.columns(2)
    username = left.text_input("Username", key="team.add.username", help="Latin letters, digits, '.', '_' or '-'")
    display_name = right.text_input(
        "Display name", key="team.add.display_name", help="How the team sees them. A pseudonym is normal and safer."
    )
    role = left.selectbox("Role", list(Role), index=list(Role).index(Role.DRAFTER), key="team.add.role")
    reviewer = right.checkbox(
        "Sensitivity reviewer",
        key="team.add.reviewer",
        help="Gives the second approval on religion, sect, blasphemy-adjacent and ethnicity themes.",
    )
    st.caption("Optional, visible to admins only, never exported:")
    left, right = st.columns(2)
    real_name = left.text_input("Real name", key="team.add.real_name")
    phone = right.text_input("Phone", key="team.add.phone", placeholder="+92 300 1234567")
    if st.form_submit_button("Add member", type="primary"):
        added = call(
            members.add_member,
            labels=LABELS,
            username=username,
            display_name=display_name,
            role=role,
            sensitivity_reviewer=reviewer,
            real_name=real_name or None,
            phone=phone or None,
        )
        if added.ok:
            st.session_state[SECRET] = {
                "username": added.value.member.username,
                "password": added.value.one_time_password,
            }
            st.session_state[ADDED] = True
            st.rerun()

with change_tab:
    if not roster:
        st.info("No members to change.")
    else:
        by_id = {m.membership_id: m for m in roster}
        chosen = st.selectbox(
            "Member",
            list(by_id),
            format_func=lambda i: f"{by_id[i].display_name} ({by_id[i].username})",
            key="team.change.member",
        )
        member = by_id[chosen]
        # Keys carry the member and version, so another member's (or a stale) choice never shows here.
        suffix = f"{member.membership_id}.{member.version}"
        with st.form(f"team.change.{suffix}"):
            role = st.selectbox("Role", list(Role), index=list(Role).index(member.role), key=f"team.role.{suffix}")
            reviewer = st.checkbox(
                "Sensitivity reviewer", value=member.sensitivity_reviewer, key=f"team.reviewer.{suffix}"
            )
            active = st.checkbox("Active (may log in)", value=member.active, key=f"team.active.{suffix}")
            if st.form_submit_button("Save changes", type="primary"):
                saved = call(
                    members.update_member,
                    membership_id=member.membership_id,
                    expected_version=member.version,
                    role=role,
                    sensitivity_reviewer=reviewer,
                    active=active,
                )
                if saved.ok:
                    st.toast("Saved.", icon=":material/check:")
                    st.rerun()
        left, right = st.columns(2)
        if left.button(
            "Log out everywhere",
            key="team.change.revoke",
            icon=":material/logout:",
            help="Ends every session of this member, e.g. after a lost phone.",
        ):
            ended = call(members.revoke_sessions, membership_id=member.membership_id)
            if ended.ok:
                st.toast(f"Ended {count(ended.value, 'session')}.", icon=":material/check:")
        if right.button(
            "Reset password",
            key="team.change.reset",
            icon=":material/key:",
            help="Gives a new one-time password and ends their sessions.",
        ):
            secret = call(members.reset_password, membership_id=member.membership_id)
            if secret.ok:
                st.session_state[SECRET] = {"username": member.username, "password": secret.value}
                st.rerun()
