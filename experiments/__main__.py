"""Entry point of ``python -m experiments``."""

import sys

from experiments.cli import main
from experiments.sql_params import bind_by_literals
from experiments.store.facts import append_unordered

# A command-line process never needs pandas: values go into statements as literals, so that
# DuckDB's driver does not load it (sql_params.py).
bind_by_literals()
# It runs one import at a time and nothing beside it: the rows may go in in any order (facts.py).
append_unordered()
sys.exit(main())
