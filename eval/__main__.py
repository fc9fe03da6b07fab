"""``python -m eval``: benchmarks driven from outside the product (arrives with issues #4 and #7)."""

import sys

print("error: 'python -m eval' is not available yet: retrieval benchmarks arrive with issue #4", file=sys.stderr)
sys.exit(2)
