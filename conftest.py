"""Test-session set-up shared by unit tests, doctests and notebooks (nbval)."""

import os
import tempfile

# Student work written during tests goes to a throw-away folder, never to ~/cslab_work;
# notebook kernels started by nbval inherit this environment.
os.environ.setdefault("CSLAB_WORKDIR", tempfile.mkdtemp(prefix="cslab-work-"))
os.environ.setdefault("MPLBACKEND", "Agg")
