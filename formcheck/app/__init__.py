"""The Streamlit app: live coaching, clip review, sample replay, history.

Only the page modules (``main.py``, ``*_page.py``) import streamlit;
``settings.py`` and ``live_state.py`` are plain Python so they are testable
without a Streamlit runtime. Start it with ``formcheck app`` or
``streamlit run formcheck/app/main.py``.

May import every layer below it (records … pipeline); never the CLI.
"""
