import json
import streamlit as st

a, b = st.tabs(["Plain", "Other"], key="plain")
st.text("open=" + json.dumps([a.open, b.open]))
with b:
    st.text("in other")
st.text("keys=" + json.dumps(sorted(st.session_state.to_dict())))
c, d = st.tabs(["X", "Y"], on_change="rerun", key="rr")
st.text("open2=" + json.dumps([c.open, d.open]))
st.checkbox("Clash", key="clash")
if st.session_state.clash:
    st.tabs(["Again"], key="plain")
