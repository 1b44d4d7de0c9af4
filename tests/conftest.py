"""Settings for the whole test suite."""

from __future__ import annotations

import os

from migralex.api.settings import HOSTS_ENV

#: The in-process test client calls itself "testserver": serve it in the tests (never by default:
#: the app serves localhost only unless told, against DNS rebinding).
os.environ.setdefault(HOSTS_ENV, "localhost,127.0.0.1,::1,testserver")
