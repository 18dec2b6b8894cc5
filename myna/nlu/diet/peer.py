"""Entry point of a data-parallel training process (see `myna.nlu.diet.parallel`)."""

import sys

from myna.nlu.diet.parallel import serve_as_peer

if __name__ == "__main__":
    serve_as_peer(sys.argv[1:])
