import json
from datetime import date
import streamlit as st

r = st.date_input("Trip", (date(2024, 1, 1), date(2024, 1, 7)), key="trip")
st.text("ret:trip=" + json.dumps([d.isoformat() for d in r]))
