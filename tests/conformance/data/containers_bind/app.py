import json
import streamlit as st

tabs = st.tabs(["One", "Two"], key="t", bind="query-params")
st.text("open=" + json.dumps([t.open for t in tabs]))
e = st.expander("More", key="e", bind="query-params")
st.text("expanded=" + json.dumps(e.open))
st.text("qp=" + json.dumps(st.query_params.to_dict(), sort_keys=True))
