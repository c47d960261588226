"""Scoring many ledgers in worker processes so that one ledger can never stop the others, and no worker can
outlive the run.

- Whatever goes wrong with one ledger becomes that ledger's row: an unreadable file (`score_one`), a crash in
  reading or scoring (`guarded`), a worker that dies under it (the ledgers that were in flight are scored
  again one at a time in a worker of their own, so only the one that kills its worker is blamed).
- Workers die with the run whatever ends it: they ignore Ctrl-C and SIGTERM's handler of the parent (the
  parent kills them itself), ask Linux to kill them when the parent dies (`PR_SET_PDEATHSIG`, even after a
  SIGKILL of the parent), and elsewhere wait in a thread on the pipe multiprocessing keeps to the parent.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Callable

from nodrug_cli.said import Said

_PR_SET_PDEATHSIG = 1


def guarded(args: tuple):
    """`batch.score_one(*args)`, with any exception (a defect in reading or scoring this one ledger) made into
    the ledger's row instead of ending the batch. Ctrl-C and SIGTERM still end the batch."""
    from nodrug_cli.batch import outcome as batch

    try:
        return batch.score_one(*args)
    except Exception as exc:  # noqa: BLE001 - one ledger's defect must not stop the rest
        return batch.LedgerOutcome(path=str(args[0]), status="failed",
                                   reason=Said("batch.reason.failed", error=type(exc).__name__, detail=str(exc)))


def _exit_when(parent) -> None:
    parent.join()  # returns when the parent's end of the pipe closes: it has ended, however
    os._exit(1)


def die_with_parent() -> None:
    """Run in each worker as it starts: end this process when the batch ends, however it ends."""
    import multiprocessing

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the parent answers it
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the parent's handler, inherited through fork
    parent = multiprocessing.parent_process()  # the batch, whatever the start method (fork, spawn, forkserver)
    armed = False
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            armed = libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
        except (OSError, AttributeError):
            armed = False
    if parent is not None and not parent.is_alive():  # it ended before the request took effect
        os._exit(1)
    if parent is not None and (not armed or os.getppid() != parent.pid):  # elsewhere, or under a forkserver
        threading.Thread(target=_exit_when, args=(parent,), name="nodrug-watch-parent", daemon=True).start()


def _quiet_pool_threads() -> None:
    """From now on, a failure of a pool's manager thread prints nothing: once a pool has been killed, that thread,
    finding its workers gone, may fail on its way down (CPython's `terminate_broken`, racing with the shutdown; seen
    once in CI, under load, after batch's stop line). The batch has already said why it stopped; a traceback after
    that line would read as a crash. Every other thread's failure goes to the hook that was there before."""
    previous = threading.excepthook
    if getattr(previous, "quiet_pool_threads", False):
        return

    def hook(args) -> None:
        if type(args.thread).__name__ != "_ExecutorManagerThread":
            previous(args)

    hook.quiet_pool_threads = True
    threading.excepthook = hook


def _kill(pool: ProcessPoolExecutor) -> None:
    """Stop a pool now: its workers are killed, not waited for (a worker may be deep in a large ledger)."""
    _quiet_pool_threads()
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        try:
            process.kill()
        except (OSError, AttributeError, ValueError):
            pass
    pool.shutdown(wait=False, cancel_futures=True)


def score_all(args: list[tuple], jobs: int, progress: Callable | None = None) -> list:
    """`guarded(a)` for every `a` of `args`, `jobs` at a time in worker processes (1: in this process), in the
    order of `args`; `progress` is called with each row as it is done."""
    if jobs <= 1 or len(args) <= 1:
        out = []
        for a in args:
            out.append(guarded(a))
            if progress:
                progress(out[-1])
        return out
    results: dict[int, object] = {}
    pending = list(range(len(args)))
    while pending:
        suspects = _run_pool(args, pending, jobs, results, progress)
        for i in suspects:  # in flight when a worker died: each alone, so only the one that kills is blamed
            results[i] = _run_alone(args[i])
            if progress:
                progress(results[i])
        pending = [i for i in pending if i not in results]
    return [results[i] for i in range(len(args))]


def _new_pool(jobs: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=jobs, initializer=die_with_parent)


def _run_pool(args: list[tuple], indices: list[int], jobs: int, results: dict, progress) -> list[int]:
    """Score `indices` in a pool; returns the ones in flight when a worker died (none if none died)."""
    pool = _new_pool(jobs)
    queue = list(indices)
    futures: dict = {}
    try:
        while queue or futures:
            while queue and len(futures) < jobs * 2:  # few in flight: an interrupt stops promptly
                i = queue.pop(0)
                futures[pool.submit(guarded, args[i])] = i
            done, _ = wait(futures, return_when=FIRST_COMPLETED)
            for future in done:
                i = futures.pop(future)
                try:
                    results[i] = future.result()
                except BrokenProcessPool:
                    suspects = [i, *futures.values()]
                    _kill(pool)
                    return suspects
                if progress:
                    progress(results[i])
    except BaseException:
        _kill(pool)
        raise
    pool.shutdown(wait=True)
    return []


def _run_alone(a: tuple):
    from nodrug_cli.batch import outcome as batch

    pool = _new_pool(1)
    try:
        return pool.submit(guarded, a).result()
    except BrokenProcessPool:
        return batch.LedgerOutcome(path=str(a[0]), status="failed", reason=Said("batch.reason.worker_died"))
    except BaseException:
        _kill(pool)
        raise
    finally:
        pool.shutdown(wait=True)
