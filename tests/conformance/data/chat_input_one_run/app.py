import json
import streamlit as st


def submitted():
    st.session_state.submits = st.session_state.get("submits", 0) + 1


st.session_state.setdefault("log", [])
msg = st.chat_input("Say something", key="chat", max_chars=20, on_submit=submitted)
st.text("ret:msg=" + json.dumps(msg))
st.text("state=" + json.dumps(st.session_state.get("chat")))
if msg:
    st.session_state.log = st.session_state.log + [msg]
st.text("log=" + json.dumps(st.session_state.log))
st.button("Other", key="other")
