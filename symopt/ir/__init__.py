"""The graph core: types, ``Variable``, and graph -> module construction."""
