"""One or a few modules per lesson page: its widgets (with the URL parameters they travel in,
``URL``), its drawing, and its per-user state in ``st.session_state``. Computing lives in
``models/``; pages in ``pages/`` call these."""
