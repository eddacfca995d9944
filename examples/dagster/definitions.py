"""Dagster definitions: one `meltano run` per BigCommerce store, the stores in parallel.

Each store is an op of the job `sync_every_store`; Dagster's multiprocess executor
runs every op in a process of its own, as separate workers would, and each op runs
`meltano run --state-id-suffix=<store hash> tap-bigcommerce target-postgres` in the
Meltano project with only that store's hash and token added to its environment. The
bookmarks must then live where every worker sees them: Meltano's system database, on a
shared server (`MELTANO_DATABASE_URI=postgresql+psycopg://...`), so an op refuses to run
with Meltano's default, a SQLite file beside the project that each machine has its own
copy of. Each store's state id is `<environment>:tap-bigcommerce-to-target-postgres:<hash>`,
so the stores never read each other's bookmarks.

Environment (read when Dagster loads this file, and by each op):
  BIGCOMMERCE_STORES                  the store hashes, separated by spaces or commas
  BIGCOMMERCE_ACCESS_TOKEN_<HASH>     each store's API token (hash in upper case)
  MELTANO_PROJECT_ROOT                the Meltano project (with tap-bigcommerce and target-postgres)
  MELTANO_DATABASE_URI                the shared system database
  MELTANO                             the meltano executable (default: `meltano` on PATH)
plus the loader's settings (`TARGET_POSTGRES_*`, or the project's .env). Run it with
`dagster job execute -f definitions.py -j sync_every_store`, or `dagster dev -f
definitions.py` for the UI and the schedule.
"""

import os
import re
import shutil
import subprocess
from pathlib import Path

import dagster as dg

PIPELINE = ("tap-bigcommerce", "target-postgres")
TOKEN_VARIABLE = "BIGCOMMERCE_ACCESS_TOKEN_{}"  # noqa: S105 (a variable's name)
SHARED_DATABASES = ("postgresql", "mysql", "mssql")
PLUGIN_FOLDERS = ("extractors", "loaders", "mappers", "utilities")
STORE_HASH = re.compile(r"^[a-z0-9]+$")


def store_hashes() -> list[str]:
    hashes = [h for h in re.split(r"[\s,]+", os.environ.get("BIGCOMMERCE_STORES", "")) if h]
    bad = [h for h in hashes if not STORE_HASH.match(h)]
    if bad:
        raise ValueError(f"BIGCOMMERCE_STORES: {bad} are not store hashes (letters and digits)")
    return hashes


def meltano_environment(store_hash: str | None) -> dict[str, str]:
    """A `meltano` command's environment: the worker's, with one store's hash and token at most."""
    database = os.environ.get("MELTANO_DATABASE_URI", "")
    if not database.startswith(SHARED_DATABASES):
        raise dg.Failure(
            "MELTANO_DATABASE_URI must name a shared database server (postgresql+psycopg://...): "
            "with Meltano's default SQLite file, each worker would keep bookmarks of its own"
        )
    env = {k: v for k, v in os.environ.items() if not k.startswith(TOKEN_VARIABLE[:-2])}
    if store_hash is None:
        return env
    variable = TOKEN_VARIABLE.format(store_hash.upper())
    token = os.environ.get(variable)
    if not token:
        raise dg.Failure(f"{variable} is not set: the API token of store {store_hash}")
    return env | {
        "TAP_BIGCOMMERCE_STORE_HASH": store_hash,
        "TAP_BIGCOMMERCE_ACCESS_TOKEN": token,
        "MELTANO_SYS_DIR_ROOT": worker_directory(store_hash),
    }


def worker_directory(store_hash: str) -> str:
    """A `.meltano` of the store's own, sharing the project's installed plugins.

    Meltano keeps a run's catalog, state and config files in `.meltano/run/<plugin>/`
    under fixed names (`tap.properties.json`), so two runs at once in one project
    directory overwrite each other's catalog. Workers on separate machines each have
    their own; ops on one machine get one each here (`MELTANO_SYS_DIR_ROOT`), whose
    plugin folders link to the project's, so nothing is installed twice.
    """
    project = Path(os.environ.get("MELTANO_PROJECT_ROOT") or ".").resolve()
    shared = project / ".meltano"
    own = shared / "workers" / store_hash
    own.mkdir(parents=True, exist_ok=True)
    for kind in PLUGIN_FOLDERS:
        link = own / kind
        if (shared / kind).is_dir() and not link.exists():
            link.symlink_to(shared / kind, target_is_directory=True)
    return str(own)


def meltano(context: dg.OpExecutionContext, store_hash: str | None, *args: str) -> None:
    """One `meltano` command in the project; a failure fails the op with Meltano's last lines."""
    executable = os.environ.get("MELTANO") or shutil.which("meltano") or "meltano"
    context.log.info(f"{store_hash or 'system'}: meltano {' '.join(args)}")
    done = subprocess.run(
        [executable, *args],
        cwd=os.environ.get("MELTANO_PROJECT_ROOT") or None,
        env=meltano_environment(store_hash),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        lines = (done.stderr + done.stdout).splitlines()
        errors = [line for line in lines if "[error" in line or "Error" in line]
        why = "\n".join([*errors[-20:], "...", *lines[-10:]])
        raise dg.Failure(f"meltano {args[0]} ({store_hash}) exited {done.returncode}:\n{why}")


@dg.op
def system_database(context: dg.OpExecutionContext) -> None:
    """Create or upgrade Meltano's tables once, before the stores' runs would race to."""
    meltano(context, None, "upgrade", "database")


def sync_op(store_hash: str) -> dg.OpDefinition:
    """The op that syncs one store; its failure fails only this op."""

    @dg.op(
        name=f"sync_{store_hash}",
        ins={"ready": dg.In(dg.Nothing)},
        tags={"bigcommerce/store": store_hash},
        # A run that failed half-way is safe to repeat: the bookmarks move only with
        # what the loader committed, and target-postgres upserts by primary key.
        retry_policy=dg.RetryPolicy(max_retries=2, delay=20, backoff=dg.Backoff.EXPONENTIAL),
    )
    def sync(context: dg.OpExecutionContext) -> None:
        meltano(context, store_hash, "run", f"--state-id-suffix={store_hash}", *PIPELINE)

    return sync


def sync_every_store_job(hashes: list[str]) -> dg.JobDefinition:
    ops = [sync_op(h) for h in hashes]

    @dg.graph(name="sync_every_store")
    def every_store() -> None:
        ready = system_database()
        for op in ops:
            op(ready)

    # Every store at once: the stores' rate limits are separate, so nothing is gained by
    # queueing them behind the machine's core count (Dagster's default limit).
    executor = dg.multiprocess_executor.configured({"max_concurrent": max(1, len(hashes))})
    return every_store.to_job(
        executor_def=executor,
        # One run of the job at a time (with the run queue's limit in dagster.yaml): two
        # runs for the same store would read the same window from the same bookmarks.
        tags={"bigcommerce/sync": "every-store"},
    )


job = sync_every_store_job(store_hashes())
defs = dg.Definitions(
    jobs=[job],
    schedules=[dg.ScheduleDefinition(job=job, cron_schedule="17 */6 * * *")],
)
