import json
import streamlit as st

p = st.popover("Menu", key="pop", on_change="rerun")
st.text("open=" + json.dumps(p.open))
with p:
    name = st.text_input("Name", key="name")
st.text("name=" + json.dumps(name))
q = st.popover("Plain", key="plainpop")
st.text("plain=" + json.dumps(getattr(q, "open", None)))
