"""The HTTP API (FastAPI): a thin shell over the case engine, the annual cycle and the simulator.

`create_app()` builds the app. FastAPI is imported only when it is used, so that the CLI starts fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from migralex.api.app import create_app
    from migralex.api.settings import ApiSettings

__all__ = ["ApiSettings", "create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from migralex.api.app import create_app

        return create_app
    if name == "ApiSettings":
        from migralex.api.settings import ApiSettings

        return ApiSettings
    raise AttributeError(name)
