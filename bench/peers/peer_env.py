"""What every numpy peer reports about itself: the Python and numpy versions, the BLAS numpy was built with,
and the thread variables of the environment (the benches set them). Imported by the peers in this folder
(Python puts a script's own folder on sys.path)."""
import os
import platform

import numpy as np

THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def blas_info():
    try:
        cfg = np.show_config(mode="dicts")
        b = cfg.get("Build Dependencies", {}).get("blas", {})
        return {"name": b.get("name"), "version": b.get("version")}
    except Exception as e:  # older numpy: no dict mode
        return {"error": str(e)}


def peer_environment():
    """The keys python, numpy, blas and env of a peer's JSON output."""
    return {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "blas": blas_info(),
        "env": {k: os.environ.get(k) for k in THREAD_VARS},
    }
