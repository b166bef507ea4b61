"""The rankings database: engines and readable errors (``database``), tables (``schema``),
checks of what users type (``checks``), the store (``rankings_store``) and exports
(``export``)."""
