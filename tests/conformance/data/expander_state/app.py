import json
import streamlit as st


def changed():
    st.session_state.log = st.session_state.get("log", []) + ["changed:" + json.dumps(st.session_state.exp)]


def close():
    st.session_state.exp = False


e = st.expander("Details", key="exp", on_change=changed)
st.text("open=" + json.dumps(e.open))
with e:
    st.text("inside")
f = st.expander("Open at first", expanded=True, key="exp2", on_change="rerun")
st.text("open2=" + json.dumps(f.open))
g = st.expander("Plain", key="plain")
st.text("plain=" + json.dumps(getattr(g, "open", None)))
st.button("Close", key="close", on_click=close)
