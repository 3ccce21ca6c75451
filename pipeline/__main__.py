"""`python -m pipeline` is the `mymein` command."""

from .cli import main

main()
