"""Entry point of ``python -m experiments``."""

import sys

from experiments.cli import main
from experiments.sql_params import bind_by_literals

# A command-line process never needs pandas: values go into statements as literals, so that
# DuckDB's driver does not load it (sql_params.py).
bind_by_literals()
sys.exit(main())
