"""Shared UI pieces, one of each: the escaping helper (``render``), the palette (``palette``),
the chart style (``charts``), charts with their data as a table (``a11y``), lesson sections
(``lesson``), the quiz (``quiz``) and the live panel that advances any long job (``live``)."""
