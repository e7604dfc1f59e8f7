"""The named queries at 1,000 and 10,000 papers: this server beside raw pyoxigraph, Oxigraph server and Virtuoso.

`python -m bench.named` (what `make bench` runs) writes `bench/results.json` and `bench/results.md`.
For each corpus size it builds the graph, prepares the on-disk store `make serve` uses (derived
graph and paragraph index included), dumps that store as N-Quads for the peers, and measures
every query in `queries/` (its default page):

- this server: `npt-kg serve --store-dir` on loopback; the first `--reps` runs after start
  with `Cache-Control: no-cache` (the engine, no result cache), then one run answered by the
  result cache; start time (median of three starts); PSS of all its processes (sampled
  throughout); one SIGKILLed worker and how long its replacement took; the full listing of
  `measures-by-type` streamed as CSV (rows/s and time to the first byte), as downloaded (the
  listing the store was prepared with) and from the engine (`no-cache`, stopped at the cap);
  the paragraph index alone (ms per search);
- raw pyoxigraph in-process on the same store directory (one fresh process per query);
- Oxigraph server (`oxigraph load`, then `serve-read-only --union-default-graph`);
- Virtuoso open source (`ld_dir` + `rdf_loader_run`, queried with `default-graph-uri` for our
  three graphs, since its default graph holds its system graphs too).

The peers have no paragraph index: they get the query text after this store's `text:query`
rewrite (the VALUES block of matching paragraphs), the same text our workers evaluate. A run
past `--cap` seconds is recorded as a timeout and not repeated; Virtuoso's "anytime" answers
(HTTP 200 with `X-SQL-State: S1TAT`, a partial result) count as timeouts.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

from bench import generate
from bench.common import (
    HOST,
    ROOT,
    SELECT_ACCEPT,
    Server,
    SparqlClient,
    accept_for,
    count_json_results,
    git_clean,
    machine_info,
    marked_section,
    npt_kg_command,
    pss_mb,
)

BENCH_DIR = ROOT / "bench"
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
GRAPHS = ("https://w3id.org/npt-kg/ontology", "https://w3id.org/npt-kg/id/graph/papers",
          "https://w3id.org/npt-kg/id/graph/derived")
TARGET_S = {1000: 0.2, 10000: 1.0}


def log(text: str) -> None:
    print(f"[bench] {time.strftime('%H:%M:%S')} {text}", file=sys.stderr, flush=True)


# --- data -------------------------------------------------------------------------------------------


def corpus(n: int, workdir: Path, pool: Path, seed: int) -> Path:
    """The seed papers plus the first n-3 generated ones (paper i depends only on i)."""
    need = n - len(SEEDS)
    manifest = pool / generate.MANIFEST
    papers = json.loads(manifest.read_text())["papers"] if manifest.exists() else []
    if len(papers) < need:
        log(f"generating {need} papers into {pool}")
        shutil.rmtree(pool, ignore_errors=True)
        papers = generate.generate_corpus(need, pool, seed=seed)["papers"]
    out = workdir / f"corpus-{n}"
    if not (out.exists() and len(list(out.glob("*.txt"))) == n):
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir(parents=True)
        for s in SEEDS:
            shutil.copy(s, out / s.name)
        for p in papers[:need]:
            os.link(pool / p["file"], out / p["file"])
    return out


def timed_run(cmd: list[str], timeout: float) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    if proc.returncode:
        raise RuntimeError(f"{' '.join(cmd[:4])}... failed: {proc.stderr.strip()[-2000:]}")
    return round(time.perf_counter() - t0, 2)


def prepare(n: int, workdir: Path, args: argparse.Namespace) -> dict:
    """Graph, on-disk store and N-Quads dump for size n (reused when already there and `--reuse`)."""
    papers = corpus(n, workdir, args.pool, args.seed)
    graph, store, quads = workdir / f"graph-{n}.ttl", workdir / f"store-{n}", workdir / f"dataset-{n}.nq"
    info: dict = {"papers": n}
    if not (args.reuse and graph.exists()):
        log(f"building {n} papers")
        info["build_s"] = timed_run([*npt_kg_command(), "build", str(papers), "-o", str(graph), "-q"], 7200)
    from kg.store import read_manifest

    if not (args.reuse and read_manifest(store) is not None):  # a store of an older layout is prepared again
        log(f"preparing the on-disk store for {n} papers")
        shutil.rmtree(store, ignore_errors=True)
        code = ("import sys; from pathlib import Path; from kg.store import prepare_disk_store; "
                "prepare_disk_store(Path(sys.argv[1]), Path(sys.argv[2]))")
        info["store_s"] = timed_run([sys.executable, "-c", code, str(store), str(graph)], 7200)
    if not (args.reuse and quads.exists()):
        log(f"dumping the store as N-Quads for the peers ({n} papers)")
        code = ("import sys; from pyoxigraph import Store, RdfFormat; "
                "Store.read_only(sys.argv[1]).dump(sys.argv[2], RdfFormat.N_QUADS)")
        info["dump_s"] = timed_run([sys.executable, "-c", code, str(store), str(quads)], 7200)
    info.update(graph=str(graph), store=str(store), quads=str(quads))
    return info


def named_queries(store: Path) -> list[dict]:
    """Every named query (default page), and the text peers get: `text:query` rewritten by our index."""
    from kg.store.library import load_library
    from kg.store.textindex import INDEX_NAME, TextIndex, rewrite, uses_text_query

    index = TextIndex(store / INDEX_NAME)
    out = []
    for q in load_library().values():
        text = q.sparql
        out.append({"name": q.name, "sparql": text, "peer_sparql": rewrite(text, index) if uses_text_query(text)
                    else text, "accept": accept_for(text)})
    return out


# --- measuring --------------------------------------------------------------------------------------


def median(values: list[float]) -> float | None:
    return round(statistics.median(values), 4) if values else None


def record(times: list[float], status: str, rows: int | None, size: int | None = None) -> dict:
    return {"status": status, "times_s": [round(t, 4) for t in times], "median_s": median(times), "rows": rows,
            "bytes": size}


def repeat(run, reps: int, cap: float) -> dict:
    """Up to `reps` runs; a run past `cap` (or any failure) ends the series."""
    times: list[float] = []
    rows = size = None
    status = "ok"
    for _ in range(reps):
        try:
            outcome, seconds, rows, size = run()
        except Exception as exc:  # reported as the engine's failure, with its message
            return {**record(times, "error", rows, size), "error": f"{type(exc).__name__}: {str(exc)[:300]}"}
        if outcome != "ok":
            status = outcome
            break
        times.append(seconds)
        if seconds > cap:
            status = "timeout"
            break
    return record(times, status, rows, size)


class PssSampler(threading.Thread):
    """The peak PSS of a process tree, sampled every 0.25 s."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak: dict = {"total_mb": 0.0}
        self.running = True

    def run(self) -> None:
        while self.running:
            now = pss_mb(self.pid)
            if now["total_mb"] > self.peak["total_mb"]:
                self.peak = now
            time.sleep(0.25)


def health(port: int) -> dict:
    with urllib.request.urlopen(f"http://{HOST}:{port}/health", timeout=120) as resp:
        return json.loads(resp.read())


def measure_server(data: dict, queries: list[dict], args: argparse.Namespace, workdir: Path) -> dict:
    def make() -> Server:
        return Server(graph=Path(data["graph"]), store_dir=Path(data["store"]), timeout=args.cap,
                      log_path=workdir / f"server-{data['papers']}.log")

    # start (until the first query is answered, store present) three times: one start is one noisy sample
    starts = []
    for _ in range(2):
        probe = make()
        starts.append(probe.start())
        probe.stop()
    server = make()
    starts.append(server.start())
    # the queries are timed once the start's background work (the other workers, the spare, the
    # segmenter) is over: the server answers before it (the start above), but a query timed during it
    # would measure that work as well
    out_ready = server.wait_until_idle()
    out: dict = {"start_s": round(statistics.median(starts), 3), "start_runs_s": [round(t, 3) for t in starts],
                 "background_start_s": round(out_ready, 3), "queries": {}}
    sampler = PssSampler(server.proc.pid)  # type: ignore[union-attr]
    sampler.start()
    client = SparqlClient(server.port, timeout=args.cap + 60)
    try:
        for q in queries:
            def run(q=q, headers={"Cache-Control": "no-cache"}):  # noqa: B006 - the bench's fixed header
                status, body, seconds = client.query(q["sparql"], q["accept"], headers)
                if status in (503, 504) and b"time limit" in body:
                    return "timeout", seconds, None, len(body)
                if status != 200:
                    raise RuntimeError(f"HTTP {status}: {body[:200]!r}")
                rows = count_json_results(body) if q["accept"] == SELECT_ACCEPT else None
                return "ok", seconds, rows, len(body)

            res = repeat(run, args.reps, args.cap)
            if res["status"] == "ok":  # the same request twice more: the second is answered by the cache
                client.query(q["sparql"], q["accept"])
                _, _, warm = client.query(q["sparql"], q["accept"])
                res["warm_s"] = round(warm, 5)
            if res["status"] == "timeout":
                server.wait_until_idle()
            out["queries"][q["name"]] = res
            log(f"server {data['papers']} {q['name']}: {res['status']} {res['median_s']}")
        server.wait_until_idle()
        for key, measure in (("full_listing", lambda: full_listing(server.port, "measures-by-type")),
                             ("full_listing_engine",
                              lambda: full_listing(server.port, "measures-by-type", budget=args.cap, engine=True)),
                             ("text_index", lambda: text_index_speed(Path(data["store"]))),
                             ("worker_kill", lambda: kill_one_worker(server.port))):
            try:
                out[key] = measure()
            except Exception as exc:  # recorded, so that the rest of the run still counts
                out[key] = {"error": f"{type(exc).__name__}: {str(exc)[:300]}"}
            log(f"server {data['papers']} {key}: {out[key]}")
        out["pss_after_mb"] = pss_mb(server.proc.pid)  # type: ignore[union-attr]
    finally:
        client.close()
        sampler.running = False
        sampler.join()
        out["pss_peak"] = sampler.peak
        server.stop()
    return out


def full_listing(port: int, name: str, budget: float | None = None, engine: bool = False) -> dict:
    """Every row of a paged named query, streamed as CSV: rows per second and the time to the first byte.

    As a client downloads it (the listing the store was prepared with, kg.store.listings), or with
    `engine` (`Cache-Control: no-cache`) from the engine itself; a run past `budget` seconds stops
    there and reports the rows it had (`complete: false`).
    """
    url = f"http://{HOST}:{port}/queries/{name}?all=1"
    headers = {"Accept": "text/csv", **({"Cache-Control": "no-cache"} if engine else {})}
    req = urllib.request.Request(url, headers=headers)
    t0 = time.perf_counter()
    rows = -1  # the header line
    first = None
    complete = True
    source = None
    try:
        with urllib.request.urlopen(req, timeout=1800 if budget is None else budget) as resp:
            source = resp.headers.get("X-Cache")
            # rows counted by their CSV terminator (CRLF, RFC 4180) in 1 MB blocks: a client reading line
            # by line in Python would measure itself (it tops out near 100k lines/s), not the server
            last = b""
            while block := resp.read1(1 << 20):
                if first is None:
                    first = time.perf_counter() - t0
                rows += block.count(b"\r\n") + (last == b"\r" and block[:1] == b"\n")
                last = block[-1:]
                if budget is not None and time.perf_counter() - t0 > budget:
                    complete = False
                    break
    except TimeoutError:  # nothing within the budget (an ORDER BY holds every row back until the last)
        if budget is None:
            raise
        complete = False
    seconds = time.perf_counter() - t0
    return {"query": name, "rows": max(rows, 0), "seconds": round(seconds, 3),
            "first_byte_s": round(first, 3) if first is not None else None,
            "rows_per_s": round(max(rows, 0) / seconds) if seconds else None, "complete": complete,
            "from": "engine" if engine else ("prepared listing" if source == "hit" else "engine"),
            **({"budget_s": budget} if budget is not None else {})}


def text_index_speed(store: Path) -> dict:
    """The paragraph index alone, as the server's rewrite calls it (segmenter already loaded)."""
    from kg.store.textindex import INDEX_NAME, TextIndex

    index = TextIndex(store / INDEX_NAME)
    index.warm()
    out = {}
    for words in ("戒备", "网络", "核裁军", "透明度", "消极安全保证"):
        times = []
        for _ in range(5):
            t0 = time.perf_counter()
            hits = index.search(words, 1000, 0)
            times.append(time.perf_counter() - t0)
        out[words] = {"median_ms": round(statistics.median(times) * 1000, 2), "hits": len(hits)}
    return out


def kill_one_worker(port: int) -> dict:
    """SIGKILL a serving worker, then how long until a query answers and what /health says of the replacement."""
    before = health(port)["workers"]
    victim = before["pids"][0]
    os.kill(victim, signal.SIGKILL)
    t0 = time.perf_counter()
    client = SparqlClient(port, timeout=120)
    ok_after = None
    for _ in range(400):
        try:
            status, _, _ = client.query("ASK { ?s ?p ?o }", SELECT_ACCEPT)
            if status == 200:
                ok_after = time.perf_counter() - t0
                break
        except OSError:
            pass
        time.sleep(0.005)
    client.close()
    time.sleep(0.5)
    after = health(port)["workers"]
    return {"killed_pid": victim, "first_answer_after_s": round(ok_after, 4) if ok_after else None,
            "replacement_ms": after.get("last_replacement_ms"), "restarts": after.get("restarts"),
            "alive": after.get("alive"), "size": after.get("size")}


_INPROC = r"""
import json, sys, time
from pyoxigraph import Store, QuerySolutions, QueryResultsFormat, RdfFormat
store = Store.read_only(sys.argv[1])
sparql, reps = open(sys.argv[2], encoding="utf-8").read(), int(sys.argv[3])
times = []
for _ in range(reps):
    t0 = time.perf_counter()
    r = store.query(sparql, use_default_graph_as_union=True)
    if isinstance(r, QuerySolutions):
        body = r.serialize(format=QueryResultsFormat.JSON)
    else:
        body = r.serialize(format=RdfFormat.N_TRIPLES)
    times.append(time.perf_counter() - t0)
    print(json.dumps({"t": times[-1], "bytes": len(body)}), flush=True)
"""


def measure_pyoxigraph(data: dict, queries: list[dict], args: argparse.Namespace, workdir: Path) -> dict:
    """Raw pyoxigraph on the same store directory: one fresh process per query, killed at the cap."""
    out: dict = {}
    for q in queries:
        path = workdir / f"query-{q['name']}.rq"
        path.write_text(q["peer_sparql"], encoding="utf-8")
        proc = subprocess.Popen([sys.executable, "-c", _INPROC, data["store"], str(path), str(args.reps)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        times: list[float] = []
        size = None
        status = "ok"
        deadline = time.monotonic() + args.cap * args.reps + 30
        try:
            stdout, stderr = proc.communicate(timeout=max(1.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.kill()
            stdout, stderr = proc.communicate()
            status = "timeout"
        for line in stdout.splitlines():
            item = json.loads(line)
            times.append(item["t"])
            size = item["bytes"]
        if status == "ok" and proc.returncode:
            out[q["name"]] = {**record(times, "error", None, size), "error": stderr.strip()[-300:]}
            continue
        if any(t > args.cap for t in times):
            status = "timeout"
        out[q["name"]] = record(times, status if times or status != "ok" else "error", None, size)
        log(f"pyoxigraph {data['papers']} {q['name']}: {out[q['name']]['status']} {out[q['name']]['median_s']}")
    return out


def measure_peer(engine, queries: list[dict], args: argparse.Namespace, params: dict) -> dict:
    out: dict = {}
    for q in queries:
        def run(q=q):
            t0 = time.perf_counter()
            try:
                resp = engine.query(q["peer_sparql"], accept=q["accept"], params=params, timeout=args.cap + 15)
            except (TimeoutError, OSError) as exc:  # no answer at all within the cap (and a margin)
                if time.perf_counter() - t0 >= args.cap:
                    return "timeout", time.perf_counter() - t0, None, None
                raise RuntimeError(str(exc)) from exc
            seconds = time.perf_counter() - t0
            if resp.headers.get("x-sql-state") == "S1TAT":  # Virtuoso's partial "anytime" answer
                return "timeout", seconds, None, len(resp.body)
            if resp.status != 200:
                if seconds >= args.cap * 0.95 or b"timeout" in resp.body.lower()[:2000]:
                    return "timeout", seconds, None, len(resp.body)
                raise RuntimeError(f"HTTP {resp.status}: {resp.body[:200]!r}")
            rows = count_json_results(resp.body) if q["accept"] == SELECT_ACCEPT else None
            return "ok", seconds, rows, len(resp.body)

        out[q["name"]] = repeat(run, args.reps, args.cap)
        log(f"{engine.name} {q['name']}: {out[q['name']]['status']} {out[q['name']]['median_s']}")
    return out


def ensure_oxigraph() -> str | None:
    """The `oxigraph` CLI (PyPI `oxigraph`), installed with pip when missing; None with the reason logged."""
    exe = Path(sys.executable).parent / "oxigraph"
    if not exe.exists() and not shutil.which("oxigraph"):
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "oxigraph"], capture_output=True)
    return None if exe.exists() or shutil.which("oxigraph") else "the oxigraph CLI is not installed and pip " \
        "could not install it"


def ensure_virtuoso() -> str | None:
    if shutil.which("virtuoso-t") and shutil.which("isql-vt"):
        return None
    if os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-q"], capture_output=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-q", "--no-install-recommends", "virtuoso-opensource-7-bin"],
                       capture_output=True, env=env)
    if shutil.which("virtuoso-t") and shutil.which("isql-vt"):
        return None
    return "Virtuoso (Debian virtuoso-opensource-7-bin) is not installed and could not be installed here"


def measure_oxigraph(data: dict, queries: list[dict], args: argparse.Namespace, workdir: Path) -> dict:
    from bench.peers import start_oxigraph

    why = ensure_oxigraph()
    if why:
        return {"skipped": why}
    d = workdir / f"oxigraph-{data['papers']}"
    shutil.rmtree(d, ignore_errors=True)
    with start_oxigraph(d, read_only=True, union_default_graph=True, timeout_s=int(args.cap)) as ox:
        load_s = ox.bulk_load(Path(data["quads"]), None)
        return {"version": ox.version, "load_s": round(load_s, 1), "queries": measure_peer(ox, queries, args, {})}


def measure_virtuoso(data: dict, queries: list[dict], args: argparse.Namespace, workdir: Path) -> dict:
    from bench.peers import start_virtuoso

    why = ensure_virtuoso()
    if why:
        return {"skipped": why}
    d = workdir / f"virtuoso-{data['papers']}"
    shutil.rmtree(d, ignore_errors=True)
    memory = 2048 if data["papers"] <= 1000 else 6144
    with start_virtuoso(d, memory_mb=memory, max_exec_s=int(args.cap)) as vt:
        load_s = vt.bulk_load(Path(data["quads"]), None)
        params = {"default-graph-uri": list(GRAPHS), "timeout": str(int(args.cap * 1000))}
        result = {"version": vt.version, "load_s": round(load_s, 1), "queries": measure_peer(vt, queries, args, params)}
    shutil.rmtree(d, ignore_errors=True)
    return result


# --- report -----------------------------------------------------------------------------------------


def cell(res: dict | None, cap: float) -> str:
    if not res:
        return "–"
    if res.get("status") == "timeout":
        return f"> {cap:g} s (timeout)"
    if res.get("status") == "error":
        return "error"
    return fmt_s(res.get("median_s"))


def fmt_s(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms" if seconds >= 0.01 else f"{seconds * 1000:.1f} ms"
    return f"{seconds:.2f} s"


def summary(res: dict) -> dict:
    """Targets, judged on this run's numbers."""
    out: dict = {}
    for n, size in res["sizes"].items():
        srv = size.get("server", {}).get("queries", {})
        target = TARGET_S.get(int(n))
        over = {k: v.get("median_s") for k, v in srv.items()
                if v.get("status") != "ok" or (target is not None and (v.get("median_s") or 0) > target)}
        out[n] = {"target_s": target, "queries": len(srv), "over_target": over,
                  "slowest": max(((v.get("median_s") or 0, k) for k, v in srv.items()), default=(None, None))}
    sizes = sorted(res["sizes"], key=int)
    if len(sizes) >= 2:
        small, big = res["sizes"][sizes[0]]["server"]["queries"], res["sizes"][sizes[-1]]["server"]["queries"]
        growth = {}
        for name in small:
            a, b = small[name].get("median_s"), big.get(name, {}).get("median_s")
            if a and b and big[name].get("status") == "ok":
                growth[name] = round(b / a, 2)
        out["growth"] = growth
    return out


def _measured_code_changes(old: str, new: str) -> list[str]:
    """Files outside bench/ that differ between two commits: a merged run must have measured the same code."""
    out = subprocess.run(["git", "-C", str(ROOT), "diff", "--name-only", old, new, "--", ".", ":!bench", ":!docs",
                          ":!README.md", ":!tests"], capture_output=True, text=True)
    if out.returncode:
        return [f"(git diff failed: {out.stderr.strip()[:200]})"]
    return out.stdout.split()


def _earlier_sizes(res: dict) -> list[str]:
    return [k for k in res["sizes"] if k not in res["settings"].get("sizes", [])]


def render(res: dict) -> str:
    cap = res["settings"]["cap_s"]
    m = res["machine"]
    lines = [
        "# Benchmark results: the named queries at 1,000 and 10,000 papers",
        "",
        "Written by `make bench` (`python -m bench.named`); bench/README.md says what is measured and how.",
        "Every figure below is in `bench/results.json`, from this run.",
        "",
        "| | |", "|---|---|",
        f"| machine | {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB, {m['os']} |",
        f"| Python, pyoxigraph | {m['python']}, {m['libraries'].get('pyoxigraph')} |",
        f"| date | {m['date']} |",
        f"| commit | {m['commit']} (tree clean: {res['clean']}) |",
        f"| load average at start / end | {m['load_average']} / {res.get('load_average_end')} |",
        f"| settings | {res['settings']['reps']} runs per query and engine (median shown), cap {cap:g} s, "
        f"run under `{res['settings'].get('nice')}` |",
        f"| run time | {res.get('run_minutes')} min |",
        *([f"| earlier run merged | sizes {', '.join(_earlier_sizes(res))} measured at commit "
           f"{res.get('merged_commit')} (the same code outside bench/), {res['merged_from']['date']}, load average "
           f"{res['merged_from']['load_average']} |"]
          if res.get("merged_from") else []),
        "",
    ]
    summ = res["summary"]
    lines += ["## Targets", "", "| target | measured | met |", "|---|---|---|"]
    for n, s in ((k, v) for k, v in summ.items() if k != "growth"):
        t = s["target_s"]
        over = s["over_target"]
        detail = ", ".join(f"{k} ({fmt_s(v) if v else 'timeout'})" for k, v in over.items()) or "none"
        lines.append(f"| every named query ≤ {fmt_s(t)} over HTTP at {int(n):,} papers (median of the first "
                     f"{res['settings']['reps']} runs, no cache) | slowest: {s['slowest'][1]} "
                     f"{fmt_s(s['slowest'][0])}; over: {detail} | {'yes' if not over else '**no**'} |")
    if summ.get("growth"):
        worst = max(summ["growth"].items(), key=lambda kv: kv[1])
        lines.append(f"| growth 1k → 10k ≤ 11× per query | worst {worst[0]} {worst[1]}× | "
                     f"{'yes' if worst[1] <= 11 else '**no**'} |")
    for n, size in res["sizes"].items():
        srv = size.get("server", {})
        if not srv:
            continue
        peak = srv.get("pss_peak", {}).get("total_mb")
        fl = srv.get("full_listing", {})
        ti = srv.get("text_index", {})
        worst_ti = max((v["median_ms"] for v in ti.values()), default=None)
        search = srv.get("queries", {}).get("search-paragraphs", {})
        search_met = worst_ti is not None and worst_ti <= 50 and (search.get("median_s") or 9) <= 0.05
        kill = srv.get("worker_kill", {})
        if int(n) >= 10000:
            lines.append(f"| server PSS ≤ 2.5 GB at {int(n):,} papers | peak {peak} MB | "
                         f"{'yes' if peak and peak <= 2560 else '**no**'} |")
            lines.append(f"| start ≤ 1 s when the store exists ({int(n):,}; median of {srv.get('start_runs_s')}) | "
                         f"{srv.get('start_s')} s | "
                         f"{'yes' if srv.get('start_s', 9) <= 1 else '**no**'} |")
            lines.append(f"| paragraph search ≤ 50 ms ({int(n):,}) | index alone: worst {worst_ti} ms; "
                         f"search-paragraphs over HTTP {cell(srv['queries'].get('search-paragraphs'), cap)} | "
                         f"{'yes' if search_met else '**no**'} |")
            lines.append(f"| full listing ≥ 200k rows/s as CSV ({int(n):,}) | {fl.get('rows')} rows in "
                         f"{fl.get('seconds')} s = {fl.get('rows_per_s')} rows/s, first byte after "
                         f"{fl.get('first_byte_s')} s ({fl.get('from')}) | "
                         f"{'yes' if (fl.get('rows_per_s') or 0) >= 200_000 and fl.get('complete') else '**no**'} |")
            lines.append(f"| killed worker replaced in milliseconds ({int(n):,}) | replacement "
                         f"{kill.get('replacement_ms')} ms, next answer after {kill.get('first_answer_after_s')} s |"
                         f" {'yes' if (kill.get('replacement_ms') or 1e9) < 100 else '**no**'} |")
    lines.append("")
    for n, size in res["sizes"].items():
        srv = size.get("server", {})
        px, ox, vt = size.get("pyoxigraph", {}), size.get("oxigraph", {}), size.get("virtuoso", {})
        lines += [f"## {int(n):,} papers", ""]
        prep = size.get("prepare", {})
        lines.append(f"Build {prep.get('build_s', 'reused')} s; on-disk store with derived graph and paragraph "
                     f"index {prep.get('store_s', 'reused')} s; server start {srv.get('start_s')} s (answering; its "
                     f"other workers, spare and segmenter ready {srv.get('background_start_s', '–')} s later, "
                     "before the queries are timed); PSS peak "
                     f"{srv.get('pss_peak', {}).get('total_mb')} MB (main + workers incl. the spare: "
                     f"{srv.get('pss_peak', {}).get('main_mb')} + {srv.get('pss_peak', {}).get('workers_mb')}). "
                     f"Oxigraph load {ox.get('load_s', '–')} s; Virtuoso load {vt.get('load_s', '–')} s.")
        for name, peer in (("Oxigraph server", ox), ("Virtuoso", vt)):
            if peer.get("skipped"):
                lines.append(f"{name} skipped: {peer['skipped']}.")
        lines += ["", "| query | rows | this server (no cache) | this server (cache hit) | pyoxigraph in-process | "
                  "Oxigraph server | Virtuoso |", "|---|---:|---:|---:|---:|---:|---:|"]
        for q, r in srv.get("queries", {}).items():
            lines.append(f"| {q} | {r.get('rows') if r.get('rows') is not None else '–'} | {cell(r, cap)} | "
                         f"{fmt_s(r.get('warm_s'))} | {cell(px.get(q), cap)} | "
                         f"{cell(ox.get('queries', {}).get(q), cap)} | {cell(vt.get('queries', {}).get(q), cap)} |")
        fl, kill, ti = srv.get("full_listing", {}), srv.get("worker_kill", {}), srv.get("text_index", {})
        fe = srv.get("full_listing_engine", {})
        stopped = f", stopped after {fe.get('budget_s')} s" if not fe.get("complete", True) else ""
        lines += ["", f"- Full listing, `/queries/{fl.get('query')}?all=1` as CSV ({fl.get('from')}): {fl.get('rows')} "
                  f"rows in {fl.get('seconds')} s ({fl.get('rows_per_s')} rows/s, first byte after "
                  f"{fl.get('first_byte_s')} s).",
                  f"- The same from the engine (`Cache-Control: no-cache`{stopped}): {fe.get('rows')} rows in "
                  f"{fe.get('seconds')} s "
                  f"({fe.get('rows_per_s')} rows/s, first byte after {fe.get('first_byte_s')} s).",
                  "- Paragraph index alone (ms, median of 5): " + ", ".join(
                      f"{w} {v['median_ms']} ({v['hits']} hits)" for w, v in ti.items()) + ".",
                  f"- A worker SIGKILLed: the spare took its place in {kill.get('replacement_ms')} ms; the next "
                  f"query answered after {kill.get('first_answer_after_s')} s; workers alive afterwards "
                  f"{kill.get('alive')} of {kill.get('size')}.", ""]
    if summ.get("growth"):
        lines += ["## Growth, 1,000 → 10,000 papers (this server, median, no cache)", "",
                  "| query | ratio |", "|---|---:|"]
        lines += [f"| {k} | {v}× |" for k, v in summ["growth"].items()]
        lines.append("")
    lines += ["Peers get the query text after this store's `text:query` rewrite (they have no paragraph index). "
              "Timeouts are shown as such and not repeated; Virtuoso's partial answers (`X-SQL-State: S1TAT`) "
              "count as timeouts.", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.named", description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="1000,10000", help="corpus sizes (default: 1000,10000)")
    p.add_argument("--engines", default="server,pyoxigraph,oxigraph,virtuoso")
    p.add_argument("--reps", type=int, default=3, help="runs per query and engine (default: 3)")
    p.add_argument("--cap", type=float, default=30.0, help="seconds after which a run is a timeout (default: 30)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--workdir", type=Path, default=BENCH_DIR / "out")
    p.add_argument("--pool", type=Path, default=None, help="generated papers to draw from (default: WORKDIR/pool)")
    p.add_argument("--reuse", action="store_true", help="reuse graphs, stores and dumps already in WORKDIR")
    p.add_argument("--out", type=Path, default=BENCH_DIR)
    p.add_argument("--queries", default=None, help="comma-separated named queries (default: all in queries/)")
    p.add_argument("--merge-from", type=Path, default=None,
                   help="results.json of an earlier run at the same commit whose sizes this run adds to")
    args = p.parse_args(argv)
    args.pool = args.pool or args.workdir / "pool"
    args.workdir.mkdir(parents=True, exist_ok=True)
    engines = args.engines.split(",")
    t0 = time.time()
    res: dict = {"machine": machine_info(), "clean": git_clean(), "sizes": {},
                 "settings": {"reps": args.reps, "cap_s": args.cap, "engines": engines,
                              "sizes": args.sizes.split(","),
                              "nice": f"nice -n {os.nice(0)}"}}
    if args.merge_from is not None:
        earlier = json.loads(args.merge_from.read_text(encoding="utf-8"))
        changed = _measured_code_changes(earlier["machine"]["commit"], res["machine"]["commit"])
        if changed or not earlier.get("clean"):
            p.error(f"{args.merge_from}: from commit {earlier['machine']['commit']} (clean: {earlier.get('clean')}); "
                    f"the measured code changed since: {', '.join(changed)[:300]}")
        res["merged_commit"] = earlier["machine"]["commit"]
        res["sizes"].update(earlier["sizes"])
        res["merged_from"] = {"date": earlier["machine"]["date"], "load_average": earlier["machine"]["load_average"],
                              "run_minutes": earlier.get("run_minutes")}
    for n in (int(s) for s in args.sizes.split(",")):
        size: dict = {"prepare": prepare(n, args.workdir, args)}
        queries = named_queries(Path(size["prepare"]["store"]))
        if args.queries:
            queries = [q for q in queries if q["name"] in set(args.queries.split(","))]
        if "server" in engines:
            size["server"] = measure_server(size["prepare"], queries, args, args.workdir)
        if "pyoxigraph" in engines:
            size["pyoxigraph"] = measure_pyoxigraph(size["prepare"], queries, args, args.workdir)
        if "oxigraph" in engines:
            size["oxigraph"] = measure_oxigraph(size["prepare"], queries, args, args.workdir)
        if "virtuoso" in engines:
            size["virtuoso"] = measure_virtuoso(size["prepare"], queries, args, args.workdir)
        res["sizes"][str(n)] = size
        _write(res, args.out, t0)  # a partial result survives a later failure
    _write(res, args.out, t0)
    return 0


def _write(res: dict, out: Path, t0: float) -> None:
    from kg.util.atomic import write_atomically

    res["run_minutes"] = round((time.time() - t0) / 60, 1)
    res["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    res["summary"] = summary(res)
    write_atomically(out / "results.json", json.dumps(res, indent=1, ensure_ascii=False) + "\n")
    results_md = out / "results.md"
    old = results_md.read_text(encoding="utf-8") if results_md.is_file() else ""
    # the sections other tools write: build speed (bench.pdf) and the extraction's scores (make eval)
    kept = "".join(f"\n{sec}\n" for sec in (marked_section(old, "pdf"), marked_section(old, "eval")) if sec)
    write_atomically(results_md, render(res) + kept)


if __name__ == "__main__":
    raise SystemExit(main())
