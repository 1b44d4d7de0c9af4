"""`migralex serve`: the dashboard and the HTTP API on localhost (uvicorn)."""

from __future__ import annotations

import socket
from typing import Annotated

import typer


def serve_command(
    host: Annotated[str, typer.Option("--host", help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port (0: any free port)", min=0, max=65535)] = 8000,
    offload_workers: Annotated[
        int,
        typer.Option("--offload-workers", min=0, help="Worker processes for large batches (0: in-process)"),
    ] = 1,
    allow_host: Annotated[
        list[str] | None,
        typer.Option("--allow-host", help="Also serve requests for this Host name (repeatable; '*': any)"),
    ] = None,
) -> None:
    """Serve the web dashboard and the HTTP API (offline: shipped data, no CDN); prints the URL."""
    import uvicorn

    from migralex.api.app import create_app
    from migralex.api.settings import ApiSettings
    from migralex.registry.crypto import ensure_local_key

    created = ensure_local_key()
    if created is not None:
        typer.echo(
            f"registry key: {created} (embedded default; set MIGRALEX_REGISTRY_KEY_FILE to use another)"
        )

    class Server(uvicorn.Server):
        """uvicorn's server, printing the dashboard's URL once the socket listens."""

        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets)
            if not self.started:
                return
            bound = self.servers[0].sockets[0].getsockname()[1] if self.servers else port
            shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
            url = f"http://{shown}:{bound}/"
            typer.echo(f"migralex dashboard: {url}  (API: {url}v1, docs: {url}docs; Ctrl+C stops)", err=False)

    hosts = ApiSettings().allowed_hosts + tuple(allow_host or ())
    if host not in ("0.0.0.0", "::", *hosts):
        hosts += (host,)
    config = uvicorn.Config(
        create_app(ApiSettings(warm_up=True, allowed_hosts=hosts, offload_workers=offload_workers)),
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
    )
    server = Server(config)
    try:
        server.run()
    except SystemExit:  # uvicorn exits when it cannot bind
        if server.started:
            raise
        typer.echo(f"migralex serve: could not listen on {host}:{port} (taken? try --port 0)", err=True)
        raise typer.Exit(code=2) from None
