"""`python -m local`: run the whole marketplace on this machine.

up       start everything (moto, resources, Lambdas, REST and WebSocket gateways, delivery),
         seed or restore the data, print the services and demo users; Ctrl-C stops cleanly
seed     run the seeders again against a running runtime
reset    delete the local data folder (the next `up` seeds from scratch)
token    print an ID token for a user, for curl: -H "Authorization: Bearer $(... token shopper)"
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import shutil
import signal
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from local.commands import register_all
from local.config import Limits, RuntimeConfig
from local.runtime import STATE_FILE, AwsClients, Runtime
from local.seed import Progress as SeedProgress
from local.seed.users import DEMO_USERS, demo_password

app = typer.Typer(help=__doc__, no_args_is_help=True, add_completion=False)
console = Console()

DataDir = Annotated[Path, typer.Option("--data-dir", envvar="PLEIN_DATA_DIR", help="local data folder")]
DEFAULT_DATA_DIR = Path(".local")


class _Bar:
    def __init__(self, progress: Progress, task: Any):
        self._progress = progress
        self._task = task

    def advance(self, n: int = 1) -> None:
        self._progress.advance(self._task, n)


def _pool_sizes(values: list[str]) -> dict[str, int]:
    sizes = {}
    for value in values:
        name, _, size = value.partition("=")
        sizes[name.strip()] = int(size)
    return sizes


@app.command()
def up(
    *,
    data_dir: DataDir = DEFAULT_DATA_DIR,
    aws_port: Annotated[int, typer.Option(envvar="PLEIN_AWS_PORT")] = 4566,
    rest_port: Annotated[int, typer.Option(envvar="PLEIN_REST_PORT")] = 3000,
    ws_port: Annotated[int, typer.Option(envvar="PLEIN_WS_PORT")] = 3001,
    web_port: Annotated[int, typer.Option(envvar="PLEIN_WEB_PORT", help="the reference web client")] = 8080,
    products: Annotated[int, typer.Option(envvar="PLEIN_PRODUCTS", help="catalog size of the seed")] = 1000,
    endpoint: Annotated[
        str | None, typer.Option(envvar="PLEIN_ENDPOINT", help="use this AWS endpoint (LocalStack) instead of moto")
    ] = None,
    pool: Annotated[list[str], typer.Option(help="workers per function, e.g. --pool orders-api=4")] = [],  # noqa: B006
    ws_idle_seconds: Annotated[float, typer.Option(envvar="PLEIN_WS_IDLE_SECONDS")] = 600.0,
    ws_max_seconds: Annotated[float, typer.Option(envvar="PLEIN_WS_MAX_SECONDS")] = 7200.0,
    no_query_patch: Annotated[bool, typer.Option(help="keep moto's own full-scan Query")] = False,
    timeout_factor: Annotated[
        float, typer.Option(envvar="PLEIN_TIMEOUT_FACTOR", help="multiply function timeouts (slow machines)")
    ] = 1.0,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="log every request")] = False,
) -> None:
    """Start the whole marketplace, seeded; Ctrl-C stops it and keeps its data."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(name)s %(message)s")
    config = RuntimeConfig(
        data_dir=data_dir,
        aws_port=aws_port,
        rest_port=rest_port,
        ws_port=ws_port,
        web_port=web_port,
        products=products,
        endpoint=endpoint,
        pool_sizes={"orders-api": 2, "catalog-api": 2, **_pool_sizes(pool)},
        limits=Limits(ws_idle_seconds=ws_idle_seconds, ws_max_connection_seconds=ws_max_seconds),
        patch_moto_query=not no_query_patch,
        timeout_factor=timeout_factor,
    )
    asyncio.run(_up(config))


async def _up(config: RuntimeConfig) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    progress = Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console
    )

    def bar(description: str, total: int) -> SeedProgress:
        return _Bar(progress, progress.add_task(description, total=total))

    runtime = Runtime(config, progress=bar, say=console.print)
    started = time.perf_counter()
    with progress:
        starting = asyncio.create_task(runtime.start())
        waiting = asyncio.create_task(stop.wait())
        await asyncio.wait({starting, waiting}, return_when=asyncio.FIRST_COMPLETED)
    if not starting.done():
        console.print("stopping before the runtime was up")
        starting.cancel()
        await runtime.stop()
        return
    waiting.cancel()
    if starting.exception() is not None:
        await runtime.stop()
        raise starting.exception()  # type: ignore[misc]
    _print_status(runtime, time.perf_counter() - started)
    await stop.wait()
    console.print("\nstopping: the tables are journaled; saving uploads and users")
    try:
        counts = await asyncio.get_running_loop().run_in_executor(None, runtime.save_snapshot)
        console.print(f"saved {counts.get('s3', 0)} objects and {counts.get('cognito', 0)} users to {config.data_dir}")
    except Exception as exc:
        console.print(f"[red]could not save the snapshot: {exc}[/red]")
    await runtime.stop()
    console.print("stopped")


def _print_status(runtime: Runtime, seconds: float) -> None:
    config = runtime.config
    services = Table(title=f"Plein is up ({seconds:.1f} s)", title_justify="left")
    services.add_column("service")
    services.add_column("where")
    services.add_row("web client", f"http://127.0.0.1:{config.web_port}")
    services.add_row("REST API", config.rest_url)
    services.add_row("API docs (Swagger UI)", f"{config.rest_url}/docs")
    services.add_row("WebSocket", config.ws_url)
    if config.endpoint is None:
        services.add_row("AWS (moto)", config.aws_endpoint)
    else:
        services.add_row("AWS (external)", config.aws_endpoint)
        services.add_row("Cognito (moto)", config.cognito_endpoint)
    services.add_row("data", str(config.data_dir.resolve()))
    services.add_row("logs", str(config.logs_path.resolve()))
    resources = runtime.resources
    if resources is not None:
        services.add_row("user pool / client", f"{resources.user_pool_id} / {resources.user_pool_client_id}")
    failed = [name for name, pool in runtime.lambdas_service.pools.items() if pool.failed]
    services.add_row(
        "functions",
        f"{len(runtime.lambdas_service.pools)} ({len(failed)} failed: {', '.join(failed)})"
        if failed
        else str(len(runtime.lambdas_service.pools)),
    )
    console.print(services)
    users = Table(title="Demo users", title_justify="left")
    for column in ("user", "password", "groups", "vendor"):
        users.add_column(column)
    for name, user in runtime.users.items():
        users.add_row(name, user.password, ", ".join(user.groups), user.vendor_id or "")
    console.print(users)
    origin = "restored" if runtime.restored else "seeded: " + ", ".join(runtime.seeded)
    console.print(f"token for curl: [bold]python -m local token shopper[/bold]  ({origin})")
    console.print("Ctrl-C stops everything and keeps the data; `python -m local reset` deletes it.")


def _state(data_dir: Path) -> dict[str, Any]:
    state_file = data_dir / STATE_FILE
    if not state_file.exists():
        console.print(f"[red]no runtime state in {data_dir}: is `python -m local up` running?[/red]")
        raise typer.Exit(1)
    state: dict[str, Any] = json.loads(state_file.read_text())
    return state


def _running(state: dict[str, Any]) -> bool:
    try:
        os.kill(int(state["pid"]), 0)
    except (ProcessLookupError, KeyError, ValueError):
        return False
    except PermissionError:
        return True
    return True


@app.command()
def token(
    username: Annotated[str, typer.Argument(help="shopper, vendor, advisor, admin or any user")],
    password: Annotated[str | None, typer.Option(help="for users other than the demo users")] = None,
    access: Annotated[bool, typer.Option("--access", help="the access token (the advice socket's ?token=)")] = False,
    data_dir: DataDir = DEFAULT_DATA_DIR,
) -> None:
    """Print an ID token (the REST API's) or, with --access, an access token of a user of the running runtime."""
    state = _state(data_dir)
    secret = password or state.get("users", {}).get(username) or demo_password(username)
    clients = AwsClients(state["aws_endpoint"], state["region"], {"cognito-idp": state["cognito_endpoint"]})
    result = clients("cognito-idp").initiate_auth(
        ClientId=state["user_pool_client_id"],
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": secret},
    )
    print(result["AuthenticationResult"]["AccessToken" if access else "IdToken"])


@app.command()
def seed(
    data_dir: DataDir = DEFAULT_DATA_DIR,
    products: Annotated[int, typer.Option(envvar="PLEIN_PRODUCTS")] = 1000,
) -> None:
    """Run the seeders again against the running runtime (seeds are idempotent)."""
    state = _state(data_dir)
    if not _running(state):
        console.print("[red]the runtime is not running; `up` seeds by itself[/red]")
        raise typer.Exit(1)
    moto_port = int(state["cognito_endpoint"].rsplit(":", 1)[1])
    config = RuntimeConfig(
        data_dir=data_dir,
        endpoint=state["aws_endpoint"],
        aws_port=moto_port,
        products=products,
        region=state["region"],
    )
    runtime = Runtime(config, say=console.print)
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console
    ) as progress:
        runtime.progress = lambda description, total: _Bar(progress, progress.add_task(description, total=total))
        ran = runtime.seed_only()
    console.print(f"seeded: {', '.join(ran)}")


@app.command()
def reset(
    data_dir: DataDir = DEFAULT_DATA_DIR,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="do not ask")] = False,
) -> None:
    """Delete the local data folder: the next `up` starts from a fresh seed."""
    state_file = data_dir / STATE_FILE
    if state_file.exists() and _running(json.loads(state_file.read_text())):
        console.print("[red]stop the running runtime first (Ctrl-C)[/red]")
        raise typer.Exit(1)
    if not data_dir.exists():
        console.print(f"nothing to reset in {data_dir}")
        return
    if not yes:
        typer.confirm(f"delete {data_dir.resolve()} ?", abort=True)
    shutil.rmtree(data_dir)
    console.print(f"deleted {data_dir}")


@app.command()
def users() -> None:
    """List the demo users and their passwords."""
    for name, groups in DEMO_USERS.items():
        console.print(f"{name:10} {demo_password(name):24} {', '.join(groups)}")


register_all(app)


def main() -> None:
    app()
