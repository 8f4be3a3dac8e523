"""``python -m podkit``: the ``podkit`` command, for a Python whose scripts folder is not on PATH.

Same output and exit status as the console script (both call :func:`podkit.cli.main`, whose
parser names itself ``podkit`` however it was started). Like ``podkit --help``, it starts no
Node in this process.
"""

import sys

from podkit.cli import main

if __name__ == "__main__":  # imported (by a docs or coverage tool), it runs nothing
    sys.exit(main())
