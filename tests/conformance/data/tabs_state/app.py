import json
import streamlit as st


def changed():
    st.session_state.changes = st.session_state.get("changes", 0) + 1


def write(label):
    st.session_state.tabs = label


one, two, three = st.tabs(["One", "Two", "Three"], key="tabs", on_change=changed)
st.text("open=" + json.dumps([one.open, two.open, three.open]))
st.text("state=" + json.dumps(st.session_state.get("tabs")))
with two:
    st.text("in two")
st.button("To three", key="three", on_click=write, args=("Three",))
st.button("To nowhere", key="nowhere", on_click=write, args=("Nowhere",))
