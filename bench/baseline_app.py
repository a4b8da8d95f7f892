"""The baseline of bench/page_bench.py: two pages that only write a line of text.

Its first hit and sidebar clicks measure what Streamlit and the browser cost on this machine at
this moment (loading the frontend, the websocket, a script run), so the dashboard's figures can be
read as ratios that hold under any load.
"""

import streamlit as st


def first() -> None:
    st.write("First page")


def second() -> None:
    st.write("Second page")


st.navigation([st.Page(first, title="First", default=True), st.Page(second, title="Second")]).run()
