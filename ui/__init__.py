"""Streamlit glue shared by app.py and the pages: the log-in gate, service calls, rendering.

It may import streamlit and planner, never sqlalchemy, sqlmodel or sqlite3.
"""
