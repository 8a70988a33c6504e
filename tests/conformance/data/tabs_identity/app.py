import json
import streamlit as st

more = st.checkbox("More tabs", key="more")
labels = ["A", "B", "C"] if more else ["A", "B"]
default = st.selectbox("Default", ["A", "B"], key="default")
tabs = st.tabs(labels, key="t", on_change="rerun", default=default)
st.text("open=" + json.dumps([t.open for t in tabs]))
