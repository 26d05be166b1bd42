"""``python -m pydbpro`` is the ``pydbpro`` command."""

from .cli import main

main()
