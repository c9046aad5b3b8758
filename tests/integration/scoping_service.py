"""Store B rows for test_scoping's URL walk: appointments and repairs (issue 8).

FACTORIES maps a route argument to a function(store_b_user) -> row; WORDS maps a word argument to a real value.
"""

FACTORIES: dict = {}
WORDS: dict = {}
