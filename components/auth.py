"""Who is using the app, and what they may change.

* A store without users: one local user who may do everything; the library
  page says so, so nobody mistakes an open intranet install for a safe one.
* Users in the store (``python -m loaders user add``): browsing stays open
  (unless the ``LOGIN_REQUIRED`` setting says otherwise); upload, replace and
  re-parse need a signed-in editor, delete an admin.  Sign-in is the sidebar
  form, checked against the argon2 hashes.
* An identity provider in ``.streamlit/secrets.toml`` (``[auth]``): Streamlit's
  ``st.login`` is used instead; the account's role comes from the users table
  (the user's name there is the account's e-mail), else it may only view.
"""
from __future__ import annotations

import streamlit as st

import settings
from components.layout import engine
from components.safety import md
from store import users
from store.models import ROLE_LABELS

_STATE = "auth_user"


def oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # noqa: BLE001 - no secrets file at all
        return False


def current() -> users.Person | None:
    """The signed-in person, the local user of a store without users, or None."""
    if oidc_configured():
        if not getattr(st.user, "is_logged_in", False):
            return None
        account = str(getattr(st.user, "email", None) or getattr(st.user, "name", None) or "")
        return users.person_named(account, engine=engine()) or users.Person(account, "viewer")
    if not users.users_configured(engine=engine()):
        return users.LOCAL
    name = st.session_state.get(_STATE)
    if not name:
        return None
    person = users.person_named(name, engine=engine())  # removed or re-roled since signing in: follow the store
    if person is None:
        st.session_state.pop(_STATE, None)
    return person


def can(action: str) -> bool:
    person = current()
    return person is not None and person.can(action)


def actor() -> str | None:
    person = current()
    return person.name if person is not None else None


def sidebar() -> None:
    """The sign-in form, or who is signed in and a way out."""
    person = current()
    with st.sidebar:
        if person is not None and person.local:
            return
        if person is not None:
            st.caption(f"已登录：{md(person.name)}（{ROLE_LABELS.get(person.role, person.role)}）")
            if st.button("退出登录", key="auth_logout", type="tertiary", icon=":material/logout:"):
                if oidc_configured():
                    st.logout()
                st.session_state.pop(_STATE, None)
                st.rerun()
            return
        if oidc_configured():
            if st.button("登录", key="auth_oidc_login", icon=":material/login:"):
                st.login()
            return
        with st.form("auth_login", border=True):
            st.caption("登录后可上传、替换和删除报告")
            name = st.text_input("用户名", key="auth_name")
            password = st.text_input("密码", type="password", key="auth_password")
            if st.form_submit_button("登录", icon=":material/login:"):
                person = users.authenticate(name, password, engine=engine())
                if person is None:
                    st.error("用户名或密码不对")
                else:
                    st.session_state[_STATE] = person.name
                    st.rerun()


def require_browsing() -> None:
    """With ``LOGIN_REQUIRED`` on and nobody signed in, nothing but the sign-in form."""
    if settings.get("LOGIN_REQUIRED") and current() is None:
        st.title("请先登录")
        st.caption("本系统设置为登录后才能查看。请在左侧登录。")
        st.stop()


def write_note(action_zh: str = "上传、替换和重新解析报告") -> None:
    """Why a write control is missing, shown where it would be."""
    person = current()
    if person is None:
        st.info(f"{action_zh}需要登录（编辑或管理员）。请在左侧登录。", icon=":material/lock:")
    else:
        st.info(f"当前账户（{ROLE_LABELS.get(person.role, person.role)}）不能{action_zh}。", icon=":material/lock:")
