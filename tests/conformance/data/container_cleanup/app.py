import json
import streamlit as st

show = st.checkbox("Show", value=True, key="show")
if show:
    st.tabs(["One", "Two"], key="tabs", on_change="rerun")
    st.expander("More", key="exp", on_change="rerun")
    st.popover("Menu", key="pop", on_change="rerun")
st.text("keys=" + json.dumps(sorted(st.session_state.to_dict())))
