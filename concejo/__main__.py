import sys

from concejo.cli import main

sys.exit(main())
