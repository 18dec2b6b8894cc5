"""NLU: tokenizers, featurizers, extractors and classifiers run as an ordered pipeline.

Training runs torch on an OpenMP thread pool whose idle threads spin by default. On a
shared, busy machine (more runnable threads than cores) a spinning thread holds the core
its preempted partner needs, and DIET training ran 5-10x slower than on one thread. Unless
the environment says otherwise, idle OpenMP threads sleep instead (set before torch loads).
"""

import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
