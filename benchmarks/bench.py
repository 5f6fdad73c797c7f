"""``python -m analysis bench``: the whole build on synthetic corpora, stage by stage.

For each size N the benchmark

1. writes a synthetic corpus of N plans (:func:`benchmarks.synth.generate`, not
   timed) into ``<work>/n<N>/`` (default ``benchmarks/work/``, git-ignored);
2. runs the real build (:func:`analysis.pipeline.build`, similarity included) on
   it in a fresh Python process (``python -m benchmarks.bench --one DIR``), so
   memory is measured per size, not accumulated over sizes;
3. times every stage with :func:`time.perf_counter` by wrapping the library's
   own functions in that process (nothing is re-implemented here):

   - ``normalise`` -- manifest and checksums, decoding, normalisation;
   - ``actions`` -- segmentation, coding, metadata and the action tables;
   - ``vectors`` -- tokenisation and vectorisation (``analysis.textstats.tokens``,
     ``analysis.textstats.vectorize``);
   - ``clusters`` / ``alignment`` / ``reuse`` -- ``analysis.textstats.cluster``,
     ``analysis.textstats.align``, ``analysis.textstats.reuse``;
   - ``other`` -- everything else the build does (writing tables, keyness,
     glue in ``analysis.pipeline.crossplan``, the atomic swap).

   Time is attributed to the innermost stage running (a tokenisation called
   from inside clustering counts as ``vectors``), so the stages add up to
   ``total_s``.  The build normalises and extracts each document in one call
   (in worker processes for large corpora): the wall time of that pass is
   split between ``normalise`` and ``actions`` in proportion to the time the
   workers spent in each.  A stage whose functions the build never called is
   ``null`` (e.g. before the similarity modules exist);
4. measures ``tokenize_floor_s``: the normalised texts tokenised once, in one
   process, with the build's tokenizer (``analysis.textstats.tokens.default_tokenizer``)
   after its dictionaries are loaded;
5. samples the memory of the build process and all its worker processes
   (``/proc``, from the parent: resident set sizes every 50 ms, proportional set
   sizes every 0.2 s) and reads ``getrusage``; ``peak_memory_mb``, which the
   targets use, counts a page a forked worker shares with the build process
   once (proportional set sizes), ``peak_rss_mb`` twice (summed resident sets,
   an upper bound);
6. scores extraction against the generator's truth
   (:func:`benchmarks.synth.accuracy_report`).

``benchmarks/results.json`` holds one entry per size, the machine, and the
scale targets with pass/fail.  ``docs/scale.md`` documents every key.
Nothing here asserts a speed: the test suite runs a tiny N only to check the
benchmark works.
"""
from __future__ import annotations

import argparse
import datetime as _dt
import functools
import gc
import importlib
import inspect
import json
import multiprocessing
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

from analysis import paths
from analysis.files import check_writable, sha256, write_owned

STAGES = ("normalise", "actions", "vectors", "clusters", "alignment", "reuse")
#: Module -> detail stage; detail stages roll up into STAGES (or ``other``).
MODULE_STAGES = {
    "analysis.textstats.tokens": "tokenize",
    "analysis.textstats.vectorize": "vectorize",
    "analysis.textstats.cluster": "clusters",
    "analysis.textstats.align": "alignment",
    "analysis.textstats.reuse": "reuse",
    "analysis.textstats.keyness": "keyness",
}
ROLLUP = {"tokenize": "vectors", "vectorize": "vectors", "clusters": "clusters", "alignment": "alignment",
          "reuse": "reuse"}
TARGETS = {"time_ratio_n1000": 1.5, "growth_n2000_over_n1000": 2.1, "peak_memory_mb_n2000": 4000.0,
           "peak_memory_mb_n10000": 8000.0, "extraction_accuracy": 0.99}
#: The incremental case (one plan added, the build again) runs up to this many plans (larger sizes are there
#: for their memory).
INCREMENTAL_MAX_PLANS = 2000
SAMPLE_INTERVAL_S = 0.05
#: PSS is read every this many samples (see :func:`_run_sampled`).
PSS_EVERY = 4


# --------------------------------------------------------------------------- timing
class StageClock:
    """Exclusive wall time per stage: entering a stage pauses the enclosing one."""

    def __init__(self) -> None:
        self.totals: dict[str, float] = {}
        self.calls: dict[str, int] = {}
        self._stack: list[list] = []

    def enter(self, stage: str) -> None:
        now = time.perf_counter()
        if self._stack:
            top = self._stack[-1]
            self.totals[top[0]] = self.totals.get(top[0], 0.0) + now - top[1]
        self._stack.append([stage, now])
        self.calls[stage] = self.calls.get(stage, 0) + 1

    def exit(self) -> None:
        now = time.perf_counter()
        stage, start = self._stack.pop()
        self.totals[stage] = self.totals.get(stage, 0.0) + now - start
        if self._stack:
            self._stack[-1][1] = now

    def wrap(self, fn, stage: str):
        @functools.wraps(fn)
        def timed(*args, **kwargs):
            self.enter(stage)
            try:
                return fn(*args, **kwargs)
            finally:
                self.exit()

        timed.__wrapped_by_bench__ = True
        return timed


class _WorkerTimes:
    """Seconds spent in worker-side functions, shared with forked worker processes."""

    def __init__(self) -> None:
        self.arr = multiprocessing.Array("d", 2)  # [normalise, whole document]

    def wrap(self, fn, index: int):
        arr = self.arr

        @functools.wraps(fn)
        def timed(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                dt = time.perf_counter() - t0
                with arr.get_lock():
                    arr[index] += dt

        return timed


def _replace_everywhere(original, replacement) -> None:
    """Point every ``analysis.*`` module attribute bound to *original* at *replacement*."""
    for name, mod in list(sys.modules.items()):
        if mod is None or not (name == "analysis" or name.startswith("analysis.")):
            continue
        for attr, value in list(vars(mod).items()):
            if value is original:
                setattr(mod, attr, replacement)


def _instrument(clock: StageClock, workers: _WorkerTimes) -> list[str]:
    """Wrap the build's functions; returns the similarity modules found."""
    build_mod = importlib.import_module("analysis.pipeline.extract")
    run_mod = importlib.import_module("analysis.pipeline.run")

    found = []
    for modname in list(MODULE_STAGES) + ["analysis.pipeline.crossplan"]:
        try:
            importlib.import_module(modname)
            found.append(modname)
        except ImportError:
            pass
    # per-document work (runs in worker processes for large corpora)
    for attr in ("read_document", "normalize_mapped"):
        fn = getattr(build_mod, attr)
        _replace_everywhere(fn, workers.wrap(fn, 0))
    fn = build_mod.process_document
    _replace_everywhere(fn, workers.wrap(fn, 1))
    # parent-side stages of the extraction
    for attr, stage in (("load_manifest", "normalise"), ("load_errata", "normalise"),
                        ("extract_corpus", "extraction_pass"), ("write_dataset", "write_tables")):
        fn = getattr(build_mod if hasattr(build_mod, attr) else run_mod, attr)
        _replace_everywhere(fn, clock.wrap(fn, stage))
    # similarity modules: every public function, and every public method of their public classes,
    # inherited ones included (WordTfidf's fit/fit_transform/transform are defined on _TfidfBase)
    for modname, stage in MODULE_STAGES.items():
        mod = sys.modules.get(modname)
        if mod is None:
            continue
        for attr, value in list(vars(mod).items()):
            if attr.startswith("_") or getattr(value, "__module__", None) != modname:
                continue
            if inspect.isfunction(value):
                _replace_everywhere(value, clock.wrap(value, stage))
            elif inspect.isclass(value):
                _wrap_methods(clock, value)
    sim = sys.modules.get("analysis.pipeline.crossplan")
    if sim is not None and hasattr(sim, "write_crossplan"):
        _replace_everywhere(sim.write_crossplan, clock.wrap(sim.write_crossplan, "similarity_glue"))
    return found


def _wrap_methods(clock: StageClock, cls: type) -> list[str]:
    """Wrap the public methods *cls* has, its own and inherited from classes of :data:`MODULE_STAGES` modules.

    Walks the MRO: a method is wrapped once, on the class that defines it,
    and charged to the stage of that class's module (methods inherited from
    scikit-learn or ``object`` are not the library's and stay unwrapped).
    Returns the ``module.Class.method`` names wrapped by this call.
    """
    wrapped = []
    for klass in cls.__mro__:
        stage = MODULE_STAGES.get(getattr(klass, "__module__", ""))
        if stage is None:
            continue
        for mname, meth in list(vars(klass).items()):
            if mname.startswith("_") or not inspect.isfunction(meth) or getattr(meth, "__wrapped_by_bench__", False):
                continue
            setattr(klass, mname, clock.wrap(meth, stage))
            wrapped.append(f"{klass.__module__}.{klass.__qualname__}.{mname}")
    return wrapped


# --------------------------------------------------------------------------- memory
def _children(pid: int) -> list[int]:
    out = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as fh:
                out += [int(x) for x in fh.read().split()]
    except OSError:
        pass
    return out


def _tree(pid: int) -> list[int]:
    seen, todo = [], [pid]
    while todo:
        p = todo.pop()
        seen.append(p)
        todo += _children(p)
    return seen


_PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024 if hasattr(os, "sysconf") else 4


def _rss_kb(pid: int) -> int:
    """Resident set size of *pid* in kB (cheap: ``/proc/<pid>/statm``); 0 if it is gone."""
    try:
        with open(f"/proc/{pid}/statm") as fh:
            return int(fh.read().split()[1]) * _PAGE_KB
    except (OSError, IndexError, ValueError):
        return 0


def _pss_kb(pid: int) -> int:
    """Proportional set size of *pid* in kB (``smaps_rollup``; costly, so sampled less often)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _run_sampled(cmd: list[str], env: dict) -> tuple[int, dict, str]:
    """Run *cmd*, sampling the memory of its process tree; return (returncode, peaks, stderr tail).

    RSS of every process of the tree is read every :data:`SAMPLE_INTERVAL_S`
    (``statm``, cheap); PSS (shared pages divided among the processes that
    share them, so forked workers are not counted twice) every
    :data:`PSS_EVERY` samples, because reading it walks the page tables.
    """
    import threading

    peaks = {"tree_rss_kb": 0, "tree_pss_kb": 0, "max_processes": 0, "samples": 0}
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    err: list[str] = []
    reader = threading.Thread(target=lambda: err.append(proc.stderr.read()), daemon=True)
    reader.start()
    can_sample = os.path.isdir(f"/proc/{proc.pid}")
    i = 0
    while proc.poll() is None:
        if can_sample:
            pids = _tree(proc.pid)
            peaks["tree_rss_kb"] = max(peaks["tree_rss_kb"], sum(_rss_kb(p) for p in pids))
            if i % PSS_EVERY == 0:
                peaks["tree_pss_kb"] = max(peaks["tree_pss_kb"], sum(_pss_kb(p) for p in pids))
            peaks["max_processes"] = max(peaks["max_processes"], len(pids))
            peaks["samples"] += 1
            i += 1
        time.sleep(SAMPLE_INTERVAL_S)
    reader.join()
    return proc.returncode, peaks, "".join(err)[-4000:]


# --------------------------------------------------------------------------- contention
def _machine_ticks() -> tuple[float, float]:
    """(busy, steal) CPU seconds of the whole machine since boot, from ``/proc/stat`` (0, 0 elsewhere)."""
    try:
        with open("/proc/stat") as fh:
            f = [int(x) for x in fh.readline().split()[1:]]
    except (OSError, ValueError):
        return 0.0, 0.0
    hz = os.sysconf("SC_CLK_TCK")
    user, nice, system, _idle, _iowait, irq, softirq, steal = (f + [0] * 8)[:8]
    return (user + nice + system + irq + softirq) / hz, steal / hz


def _own_cpu_s() -> float:
    """User + system CPU seconds of this process and its waited-for children."""
    a, b = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return a.ru_utime + a.ru_stime + b.ru_utime + b.ru_stime


class CpuWatch:
    """CPU used by this process tree and by everything else on the machine, over a span of code.

    The machine is shared: ``other_busy_s`` well above zero means other
    processes competed for the cores and the wall times are pessimistic.
    """

    def __enter__(self) -> "CpuWatch":
        self._own, (self._busy, self._steal) = _own_cpu_s(), _machine_ticks()
        return self

    def __exit__(self, *exc) -> None:
        busy, steal = _machine_ticks()
        self.own_s = _own_cpu_s() - self._own
        self.machine_busy_s = busy - self._busy
        self.steal_s = steal - self._steal
        self.other_busy_s = max(0.0, self.machine_busy_s - self.own_s)

    def as_dict(self, prefix: str = "") -> dict:
        return {f"{prefix}cpu_s": round(self.own_s, 2), f"{prefix}machine_busy_s": round(self.machine_busy_s, 2),
                f"{prefix}other_busy_s": round(self.other_busy_s, 2), f"{prefix}steal_s": round(self.steal_s, 2)}


# --------------------------------------------------------------------------- one size (child process)
def run_one(corpus_dir: Path) -> dict:
    """Build the synthetic corpus in *corpus_dir* (``raw/``, ``truth/``) and measure it.

    Runs in the current process and instruments it: call it in a fresh
    process (``python -m benchmarks.bench --one DIR``), as :func:`run_bench` does.
    """
    from benchmarks.synth import accuracy_report

    corpus_dir = Path(corpus_dir)
    clock, workers = StageClock(), _WorkerTimes()
    sim_modules = _instrument(clock, workers)
    build_mod = importlib.import_module("analysis.pipeline.run")

    processed = corpus_dir / "processed"
    if processed.exists():
        shutil.rmtree(processed)
    load_before = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    with CpuWatch() as build_cpu:
        t0 = time.perf_counter()
        corpus = build_mod.build(corpus_dir / "raw", processed, progress=False, similarity=True)
        total = time.perf_counter() - t0
    self_ru = resource.getrusage(resource.RUSAGE_SELF)
    child_ru = resource.getrusage(resource.RUSAGE_CHILDREN)

    t = dict(clock.totals)
    norm_w, doc_w = workers.arr[0], workers.arr[1]
    pass_s = t.get("extraction_pass", 0.0)
    if doc_w > 0:
        share = min(1.0, norm_w / doc_w)
        split = "worker time"
    else:  # workers not instrumented (a non-fork start method): no split
        share, split = 0.0, "unavailable (all in actions)"
    stages: dict[str, float | None] = {
        "normalise": t.get("normalise", 0.0) + pass_s * share,
        "actions": pass_s * (1 - share),
    }
    for detail, stage in ROLLUP.items():
        if detail in t:
            stages[stage] = (stages.get(stage) or 0.0) + t[detail]
    own = dict(corpus.crossplan.timings) if corpus.crossplan is not None else {}
    # a stage the build ran in a process of its own, beside the others (the reuse stage of a large corpus), took
    # no time of this process: 0 here, its own duration in crossplan_timings
    concurrent = [s for s in STAGES if stages.get(s) is None and s in own]
    for s in concurrent:
        stages[s] = 0.0
    for s in STAGES:
        stages.setdefault(s, None)
    stages["other"] = max(0.0, total - sum(v for k, v in stages.items() if v is not None and k != "other"))

    # the floor: the same texts, once, serially, with the build's tokenizer (dictionary already loaded)
    from analysis.textstats.tokens import default_tokenizer

    tok = default_tokenizer().warm()
    texts = list(corpus.texts.values())
    with CpuWatch() as floor_cpu:
        f0 = time.perf_counter()
        n_tokens = sum(len(tok.tokens(x)) for x in texts)
        floor = time.perf_counter() - f0

    report = accuracy_report(corpus_dir / "truth", corpus, max_failures=20)
    missing = [s for s in STAGES if stages[s] is None]
    first = str(corpus.documents["jurisdiction"].iloc[0])
    res = {
        "n_plans": int(len(corpus.documents)),
        "n_chars": int(sum(len(x) for x in texts)),
        "n_actions": int(len(corpus.actions)),
        "n_assignments": int(len(corpus.assignments)),
        "n_tokens": int(n_tokens),
        "stages": {k: (None if v is None else round(v, 4)) for k, v in stages.items()},
        "stage_detail": {k: round(v, 4) for k, v in sorted(t.items())},
        "stage_calls": dict(sorted(clock.calls.items())),
        "crossplan_timings": {k: round(v, 4) for k, v in own.items()},
        "concurrent_stages": concurrent,
        "normalise_actions_split": split,
        "worker_seconds": {"normalise": round(norm_w, 4), "per_document_total": round(doc_w, 4)},
        "total_s": round(total, 4),
        "tokenize_floor_s": round(floor, 4),
        "total_over_floor": round(total / floor, 4) if floor > 0 else None,
        "stages_missing": missing,
        "build_complete": not missing,
        "similarity_modules": sim_modules,
        "rusage": {"main_max_rss_mb": round(self_ru.ru_maxrss / 1024, 1),
                   "largest_child_max_rss_mb": round(child_ru.ru_maxrss / 1024, 1)},
        "cpu": {**build_cpu.as_dict("build_"), **floor_cpu.as_dict("floor_"),
                "loadavg_1m_before": None if load_before is None else round(load_before, 2)},
        "extraction_accuracy": round(report["accuracy"], 6),
        "extraction": {k: v for k, v in report.items() if k not in ("accuracy", "failures")},
        "extraction_failures": report["failures"][:5],
    }
    if res["n_plans"] <= INCREMENTAL_MAX_PLANS:
        # the full build's results are let go first: the rebuild's memory is its own, as in a new session
        first_text = corpus.texts[first]
        del corpus, texts, report
        gc.collect()
        res["incremental"] = _add_one_and_rebuild(corpus_dir / "raw", processed, build_mod, first_text, clock, total)
    else:
        res["incremental"] = None
    return res


def _add_one_plan(raw: Path, first_text: str) -> str:
    """Add one plan to the raw folder *raw*: *first_text* (the normalised text of its first plan) behind a website
    index line of its own (the build refuses one text under two ids), as UTF-8, with a manifest row like the
    first plan's."""
    import csv

    j = "added_plan"
    data = ("索引号：added-0001\n" + first_text).encode("utf-8")
    (raw / f"{j}.txt").write_bytes(data)
    with open(raw / "manifest.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    header = [h.strip() for h in rows[0]]
    row = dict(zip(header, rows[1]))
    row.update(jurisdiction=j, file=f"{j}.txt", sha256=sha256(data))
    rows.append([row.get(h, "") for h in header])
    with open(raw / "manifest.csv", "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    return j


def _add_one_and_rebuild(raw: Path, processed: Path, build_mod, first_text: str, clock: "StageClock",
                         full_s: float) -> dict:
    """The incremental case: one plan added to the corpus just built, then the build again into its folder."""
    added = _add_one_plan(raw, first_text)
    before = dict(clock.totals)
    with CpuWatch() as cpu:
        t0 = time.perf_counter()
        again = build_mod.build(raw, processed, progress=False, similarity=True)
        total = time.perf_counter() - t0
    spent = {k: round(v - before.get(k, 0.0), 4) for k, v in clock.totals.items() if v - before.get(k, 0.0) > 0}
    crossplan = sum((again.crossplan.timings if again.crossplan else {}).values())
    return {"added": added, "n_plans": int(len(again.documents)), "reused": len(again.reused),
            "extracted": int(len(again.documents)) - len(again.reused), "total_s": round(total, 4),
            "crossplan_s": round(crossplan, 4), "rest_s": round(total - crossplan, 4),
            "extraction_pass_s": spent.get("extraction_pass", 0.0), "over_full_build": round(total / full_s, 4),
            "stage_detail": dict(sorted(spent.items())), "cpu": cpu.as_dict()}


# --------------------------------------------------------------------------- the benchmark
def machine_info() -> dict:
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    cpu_model = ""
    try:
        with open("/proc/cpuinfo") as fh:
            cpu_model = next((ln.split(":", 1)[1].strip() for ln in fh if ln.startswith("model name")), "")
    except OSError:
        pass
    mem_mb = None
    try:
        with open("/proc/meminfo") as fh:
            mem_mb = round(int(next(ln for ln in fh if ln.startswith("MemTotal")).split()[1]) / 1024)
    except (OSError, StopIteration):
        pass
    versions = {}
    for pkg in ("jieba", "numpy", "pandas", "scikit-learn", "scipy", "opencc"):
        try:
            from importlib.metadata import version

            versions[pkg] = version(pkg)
        except Exception:  # noqa: BLE001 - informational only
            versions[pkg] = None
    commit = None
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=paths.ROOT, capture_output=True, text=True,
                                timeout=10).stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        pass
    return {"cpu_count": os.cpu_count(), "usable_cpus": usable, "cpu_model": cpu_model, "memory_mb": mem_mb,
            "python": platform.python_version(), "implementation": platform.python_implementation(),
            "platform": platform.platform(), "start_method": multiprocessing.get_start_method(),
            "packages": versions, "git_commit": commit}


def evaluate_targets(runs: list[dict]) -> dict:
    """The scale targets (:data:`TARGETS`), computed from *runs* (``pass`` is null when a size was not run)."""
    by_n = {r["n_plans"]: r for r in runs}
    r1, r2, r10 = by_n.get(1000), by_n.get(2000), by_n.get(10000)

    def incomplete(*rs):
        bad = sorted({s for r in rs if r for s in r.get("stages_missing", [])})
        return f"build incomplete (stages not implemented: {', '.join(bad)})" if bad else ""

    def contended(*rs) -> str:
        """A warning when other processes took a tenth or more of the CPU the measurement had."""
        out = []
        for r in rs:
            cpu = (r or {}).get("cpu") or {}
            if cpu.get("build_other_busy_s", 0) > 0.1 * r["total_s"] or \
                    cpu.get("floor_other_busy_s", 0) > 0.1 * r["tokenize_floor_s"]:
                out.append(f"N = {r['n_plans']:,}: other processes used {cpu.get('build_other_busy_s', 0):.0f} CPU-s "
                           f"during the build and {cpu.get('floor_other_busy_s', 0):.0f} during the floor")
        return ("timings contended (" + "; ".join(out) + "); rerun on a quiet machine") if out else ""

    def target(rule: str, limit, needs: list, missing: str, value, ok, note_rs=()) -> dict:
        if any(r is None for r in needs):
            return {"rule": rule, "value": None, "limit": limit, "pass": None, "note": missing}
        note = incomplete(*needs)
        return {"rule": rule, "value": value(), "limit": limit, "pass": None if note else ok(),
                "note": note or contended(*note_rs)}

    t = TARGETS
    out = {
        "time_vs_tokenize_floor_n1000": target(
            f"N = 1,000: total_s <= {t['time_ratio_n1000']:g} x tokenize_floor_s", t["time_ratio_n1000"], [r1],
            "N = 1,000 not run", lambda: round(r1["total_s"] / r1["tokenize_floor_s"], 3),
            lambda: r1["total_s"] / r1["tokenize_floor_s"] <= t["time_ratio_n1000"], [r1]),
        "growth_n2000_over_n1000": target(
            f"N = 2,000 total_s <= {t['growth_n2000_over_n1000']:g} x N = 1,000 total_s",
            t["growth_n2000_over_n1000"], [r1, r2], "N = 1,000 and N = 2,000 not both run",
            lambda: round(r2["total_s"] / r1["total_s"], 3),
            lambda: r2["total_s"] / r1["total_s"] <= t["growth_n2000_over_n1000"], [r1, r2]),
        "peak_memory_n2000": target(
            f"N = 2,000: peak_memory_mb < {t['peak_memory_mb_n2000']:,.0f}", t["peak_memory_mb_n2000"], [r2],
            "N = 2,000 not run", lambda: r2["peak_memory_mb"],
            lambda: r2["peak_memory_mb"] < t["peak_memory_mb_n2000"]),
        "peak_memory_n10000": target(
            f"N = 10,000: peak_memory_mb < {t['peak_memory_mb_n10000']:,.0f}", t["peak_memory_mb_n10000"], [r10],
            "N = 10,000 not run", lambda: r10["peak_memory_mb"],
            lambda: r10["peak_memory_mb"] < t["peak_memory_mb_n10000"]),
        "incremental_add_one_n1000": target(
            "one plan added to N = 1,000: the rebuild extracts that plan only (the others from the cache)",
            1, [r1], "N = 1,000 not run", lambda: (r1.get("incremental") or {}).get("extracted"),
            lambda: (r1.get("incremental") or {}).get("extracted") == 1),
    }
    accs = [r["extraction_accuracy"] for r in runs]
    out["extraction_accuracy"] = {
        "rule": "extraction_accuracy >= 0.99 at every N", "value": min(accs) if accs else None,
        "limit": t["extraction_accuracy"],
        "pass": (min(accs) >= t["extraction_accuracy"]) if accs else None, "note": ""}
    passes = [x["pass"] for x in out.values()]
    out["all"] = {"rule": "every target above passes", "value": None, "limit": None,
                  "pass": all(p is True for p in passes), "note": "" if all(p is not None for p in passes)
                  else "some targets could not be evaluated (see their notes)"}
    return out


def _child_env() -> dict:
    env = dict(os.environ)
    root = str(paths.ROOT)
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.setdefault("PYTHONHASHSEED", "0")
    return env


def bench_size(n: int, seed: int, work: Path, keep: bool = False, quiet: bool = False) -> dict:
    """Generate N plans, build and measure them in a fresh process; return the size's entry."""
    from benchmarks.synth import generate

    d = Path(work) / f"n{n}"
    g0 = time.perf_counter()
    summary = generate(n, seed, d, quiet=True)
    synth_s = time.perf_counter() - g0
    result_file = d / "result.json"
    cmd = [sys.executable, "-m", "benchmarks.bench", "--one", str(d), "--result", str(result_file)]
    code, peaks, err = _run_sampled(cmd, _child_env())
    if code != 0 or not result_file.is_file():
        raise RuntimeError(f"benchmark of N={n} failed (exit {code}):\n{err}")
    res = json.loads(result_file.read_text(encoding="utf-8"))
    tree_rss = round(peaks["tree_rss_kb"] / 1024, 1)
    tree_pss = round(peaks["tree_pss_kb"] / 1024, 1)
    # the memory the build holds: proportional set sizes summed over its processes (a page a forked worker
    # shares with the build process counts once), never below the build process's own peak (getrusage, exact)
    res["peak_memory_mb"] = max(tree_pss, res["rusage"]["main_max_rss_mb"])
    # resident set sizes summed: a page shared by the build process and a forked worker counts twice (an
    # upper bound, kept for comparison with earlier runs)
    res["peak_rss_mb"] = max(tree_rss, res["rusage"]["main_max_rss_mb"])
    res["memory"] = {"tree_peak_rss_mb": tree_rss, "tree_peak_pss_mb": tree_pss,
                     "max_processes": peaks["max_processes"], "samples": peaks["samples"],
                     "sample_interval_s": SAMPLE_INTERVAL_S, "pss_sample_interval_s": SAMPLE_INTERVAL_S * PSS_EVERY, **res.pop("rusage")}
    res["synth_s"] = round(synth_s, 3)
    res["synth_n_chars_raw"] = summary["n_chars"]
    if not keep:
        shutil.rmtree(d, ignore_errors=True)
    if not quiet:
        st = ", ".join(f"{k} {v:.2f}s" if v is not None else f"{k} -" for k, v in res["stages"].items())
        other = res["cpu"]["build_other_busy_s"]
        print(f"N={n}: total {res['total_s']:.2f}s ({st}); tokenize floor {res['tokenize_floor_s']:.2f}s; "
              f"peak memory {res['peak_memory_mb']:.0f} MB (RSS summed {res['peak_rss_mb']:.0f} MB); extraction accuracy {res['extraction_accuracy']:.4f}"
              + (f"; other processes used {other:.0f} CPU-s during the build (timings pessimistic)"
                 if other > 0.1 * res["total_s"] else ""), file=sys.stderr)
    return res


# --------------------------------------------------------------------------- one long plan
def _bodies(raw_dir: Path) -> tuple[str, list[str]]:
    """The front matter of the first plan and the operative body of every plan of a synthetic raw folder."""
    from analysis.corpus.decode import read_text
    from analysis.corpus.manifest import load_manifest
    from analysis.corpus.normalization import normalize
    from analysis.corpus.structure import parse

    head, bodies = None, []
    for d in load_manifest(raw_dir):
        text = normalize(read_text(d.path)[0])[0]
        root, _, _ = parse(text)
        if not root.children:
            continue
        a, b = root.children[0].line.start, root.children[-1].end()
        head = head if head is not None else text[:a]
        bodies.append(text[a:b])
    return head or "", bodies


def _write_corpus(raw: Path, texts: dict[str, str]) -> None:
    import csv

    raw.mkdir(parents=True, exist_ok=True)
    rows = []
    for j, text in texts.items():
        data = text.encode("utf-8")
        (raw / f"{j}.txt").write_bytes(data)
        rows.append([j, f"{j}.txt", sha256(data), "平安县", "Ping'an County", "county"])
    with open(raw / "manifest.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["jurisdiction", "file", "sha256", "name_zh", "name_en", "level"])
        w.writerows(rows)


def _time_build(raw: Path, out: Path) -> dict:
    """Wall time and peak RSS of ``python -m analysis build --no-similarity`` in a fresh process."""
    cmd = [sys.executable, "-m", "analysis", "build", "--raw", str(raw), "--out", str(out), "--no-similarity",
           "--quiet"]
    with CpuWatch() as cpu:
        t0 = time.perf_counter()
        code, peaks, err = _run_sampled(cmd, _child_env())
        wall = time.perf_counter() - t0
    if code != 0:
        raise RuntimeError(f"long-plan build failed (exit {code}):\n{err}")
    return {"wall_s": round(wall, 3), "peak_rss_mb": round(peaks["tree_rss_kb"] / 1024, 1), **cpu.as_dict()}


def bench_long_plan(target_chars: tuple[int, ...] = (10_000_000, 20_000_000), n_source: int = 200, seed: int = 0,
                    work: Path | None = None, quiet: bool = False) -> dict:
    """One very long plan, built alone, against the same text split into many plans.

    The operative bodies of *n_source* synthetic plans are repeated until the
    text reaches each length of *target_chars*; that text is built (a) as one
    plan behind the first plan's front matter and (b) as many plans, one body
    each behind the same front matter (with a numbered website index line, so
    that no two parts are the same text).  Extraction only (``--no-similarity``):
    the cross-plan stage needs two plans.  Linear extraction shows as
    ``wall_s / mchars`` constant across lengths for the single plan, and close
    to the split corpus's.
    """
    from benchmarks.synth import generate

    work = Path(work) if work else paths.BENCHMARKS / "work_long"
    src = work / "source"
    generate(n_source, seed, src, quiet=True)
    head, bodies = _bodies(src / "raw")
    entries = []
    for target in target_chars:
        parts, n = [], 0
        while n < target:
            b = bodies[len(parts) % len(bodies)]
            parts.append(b)
            n += len(b) + 1
        one = {"long_plan": head + "\n".join(parts) + "\n"}
        # the bodies repeat, and the build refuses two plans with one text: a website index line (front matter,
        # never operative text or a title) makes each part's file its own
        many = {f"part_{i:05d}": f"索引号：{i + 1:05d}\n" + head + b + "\n" for i, b in enumerate(parts)}
        entry = {"chars": len(one["long_plan"]), "n_parts": len(parts)}
        for label, texts in (("one_plan", one), ("split", many)):
            d = work / f"{label}_{target}"
            shutil.rmtree(d, ignore_errors=True)
            _write_corpus(d / "raw", texts)
            res = _time_build(d / "raw", d / "processed")
            res["s_per_mchar"] = round(res["wall_s"] / (entry["chars"] / 1e6), 3)
            res["mb_rss_per_mchar"] = round(res["peak_rss_mb"] / (entry["chars"] / 1e6), 1)
            entry[label] = res
            shutil.rmtree(d, ignore_errors=True)
        entries.append(entry)
        if not quiet:
            print(f"long plan {entry['chars']:,} chars: one plan {entry['one_plan']['wall_s']:.1f}s "
                  f"({entry['one_plan']['peak_rss_mb']:.0f} MB), split into {entry['n_parts']} plans "
                  f"{entry['split']['wall_s']:.1f}s", file=sys.stderr)
    shutil.rmtree(work, ignore_errors=True)
    ratio = wall_ratio = None
    if len(entries) >= 2:
        a, b = entries[0]["one_plan"], entries[-1]["one_plan"]
        growth = entries[-1]["chars"] / entries[0]["chars"]
        ratio = round((b["cpu_s"] / a["cpu_s"]) / growth, 3)
        wall_ratio = round((b["wall_s"] / a["wall_s"]) / growth, 3)
    return {"entries": entries, "time_growth_over_length_growth": ratio,
            "wall_time_growth_over_length_growth": wall_ratio,
            "note": "1.0 = time grows exactly in proportion to the plan's length; a quadratic pass would give "
                    "about the length ratio (2 for twice the text). Measured on the build's CPU seconds (one plan "
                    "is built by one process), which other processes on a shared machine do not inflate as they "
                    "do wall time; the wall-time ratio is given beside it."}


def _written_by_bench(path: Path) -> bool:
    """An existing results file that an earlier ``bench`` wrote (its ``reproduce`` line says so)."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    return isinstance(doc, dict) and str(doc.get("reproduce", "")).startswith("python -m analysis bench")


def check_out(out, force: bool = False) -> Path:
    """Refuse an *out* that ``run_bench`` may not replace (see :func:`analysis.files.check_writable`), at once."""
    return check_writable(out, suffixes=(".json",), force=force, embedded=_written_by_bench)


def run_bench(sizes, out, seed: int = 0, *, work_dir: Path | None = None, keep: bool = False,
              quiet: bool = False, long_plan: tuple[int, ...] = (10_000_000, 20_000_000), force: bool = False) -> dict:
    """Benchmark the build for every N in *sizes*; write *out* (JSON) and return its content.

    *work_dir* (default ``<out's folder>/work``) holds the synthetic corpora
    while they are measured; they are deleted afterwards unless *keep*.  *out* is
    replaced only if an earlier ``bench`` wrote it, or with *force* (checked
    before anything is measured).
    """
    out = check_out(out, force)
    work = Path(work_dir) if work_dir else out.parent / "work"
    sizes = [int(s) for s in sizes]
    if not sizes or any(s < 1 for s in sizes):
        raise ValueError("sizes must be positive numbers of plans")
    started = _dt.datetime.now(_dt.timezone.utc)
    runs = [bench_size(n, seed, work, keep=keep, quiet=quiet) for n in sizes]
    longp = bench_long_plan(long_plan, seed=seed, work=work / "long", quiet=quiet) if long_plan else None
    doc = {
        "generated_at": started.replace(microsecond=0).isoformat(),
        "seed": seed,
        "sizes": sizes,
        "machine": machine_info(),
        "runs": runs,
        "long_plan": longp,
        "targets": evaluate_targets(runs),
        "reproduce": f"python -m analysis bench --sizes {','.join(map(str, sizes))} --seed {seed}",
    }
    write_owned(out, (json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8"),
                written_by="python -m analysis bench", suffixes=(".json",), force=force, embedded=_written_by_bench)
    if not keep:
        try:
            work.rmdir()  # only if empty
        except OSError:
            pass
    if not quiet:
        print(f"wrote {out}", file=sys.stderr)
    return doc


def _child_main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.bench",
                                 description="internal: measure one synthetic corpus (used by `analysis bench`)")
    ap.add_argument("--one", type=Path, required=True, help="folder with raw/ and truth/ from `analysis synth`")
    ap.add_argument("--result", type=Path, required=True, help="JSON file to write")
    args = ap.parse_args(argv)
    res = run_one(args.one)
    args.result.write_text(json.dumps(res, indent=2, sort_keys=True, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(_child_main())
