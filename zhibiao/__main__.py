"""`python -m zhibiao` runs the command-line interface."""

from zhibiao.cli import main

main()
