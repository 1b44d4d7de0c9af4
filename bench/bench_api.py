"""Latency of the HTTP API under a fixed request rate, measured from a second process over loopback.

Starts `migralex serve --port 0` (uvicorn, its own process), waits for the URL it prints, then
drives it open-loop at `--rate` requests per second for `--seconds` (after a warm-up that is not
counted): a scheduler thread releases each request when it is due (time.sleep, sub-millisecond on
Linux) to 8 keep-alive connections, each in its own thread. A request's latency runs from the moment
it was *due*, not from when it was sent, so a stalled server cannot hide its queue (no coordinated
omission).
Prints p50/p90/p99/max, the error count and the server's CPU time per request (its process's
user + system time from /proc/<pid>/stat over the driven requests, warm-up included: less affected
by other load on the machine than the latencies); `--json` writes them to a file.

    .venv/bin/python bench/bench_api.py                      # one case with trace, 200 req/s, 30 s
    .venv/bin/python bench/bench_api.py --path /v1/law/AMMR/articles/33 --method GET
    .venv/bin/python bench/bench_api.py --batch 10000        # the same while 10,000-case batches run
    .venv/bin/python bench/bench_api.py --method GET --rate 1 \
        --path '/v1/forecast/alerts?as_of=2023-01' --path '/v1/forecast/alerts?as_of=2023-02'
                                                             # several paths: requests cycle through them

Mixed load (`--batch N`): a further client posts batches of N cases to the same endpoint, one after
the other without pause, for the whole run; the single-case figures are measured meanwhile, and
the batches' count and durations are reported beside them.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "src" / "migralex" / "web" / "static" / "examples" / "cases.json"
#: A short case for the batches (10,000 of them stay under the 4 MiB body limit).
BATCH_CASE = {
    "registration": {"date": "2026-08-01", "member_state": "IT"},
    "applicant": {"nationality": "SY", "date_of_birth": "1990-01-01"},
}


def start_server(
    niceness: int | None = None, extra: tuple[str, ...] = ()
) -> tuple[subprocess.Popen[str], str, int]:
    """`migralex serve --port 0` in its own process (at `niceness`, if given: on a machine shared with
    other work, a negative value keeps their load off the measurement); returns it with host and port."""
    exe = Path(sys.executable).with_name("migralex")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-c", "from migralex.cli import main; main()"]
    if niceness is not None:
        cmd = ["nice", "-n", str(niceness), *cmd]
    proc = subprocess.Popen(
        [*cmd, "serve", "--port", "0", *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert proc.stdout is not None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        m = re.search(r"http://([\d.]+):(\d+)/", line)
        if m:
            return proc, m.group(1), int(m.group(2))
    proc.kill()
    raise SystemExit("the server did not print its URL")


def build_request(method: str, path: str, host: str, port: int, body: bytes | None) -> bytes:
    """One raw HTTP/1.1 keep-alive request."""
    head = [f"{method} {path} HTTP/1.1", f"Host: {host}:{port}", "Connection: keep-alive"]
    head.append("Accept: application/json")
    if body is not None:
        head += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + (body or b"")


def read_response(sock: socket.socket, buffer: bytearray) -> int:
    """Read one response (Content-Length framed) from a blocking socket; return its status code."""
    while b"\r\n\r\n" not in buffer:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("connection closed")
        buffer += chunk
    end = buffer.index(b"\r\n\r\n") + 4
    head = bytes(buffer[:end])
    m = re.search(rb"(?i)content-length:\s*(\d+)", head)
    if not m:
        raise ConnectionError("response without Content-Length")
    need = end + int(m.group(1))
    while len(buffer) < need:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("connection closed")
        buffer += chunk
    del buffer[:need]
    return int(head.split(b" ", 2)[1])


class Tally:
    """Latencies in ms of the counted requests and the error count, shared by the connection threads."""

    def __init__(self, counted_from: int) -> None:
        self.latencies: list[float] = []  # from the moment the request was due (what a client waits)
        self.service: list[float] = []  # from the moment it was sent (no client-side queueing)
        self.errors = 0
        self.counted_from = counted_from
        self.lock = threading.Lock()

    def answered(self, i: int, due: float, sent: float, now: float, status: int) -> None:
        """Request `i` answered with `status` at `now`: counted if past the warm-up, >= 400 an error."""
        with self.lock:
            if i >= self.counted_from:
                self.latencies.append((now - due) * 1000)
                self.service.append((now - sent) * 1000)
                self.errors += status >= 400

    def failed(self) -> None:
        """A request that got no answer, even on a new connection (counted warm-up or not)."""
        with self.lock:
            self.errors += 1


class Connection:
    """One keep-alive connection to the server, with its receive buffer."""

    def __init__(self, host: str, port: int) -> None:
        self.address = (host, port)
        self.sock = socket.create_connection(self.address)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer = bytearray()

    def exchange(self, request: bytes) -> int:
        """Send `request`, read its response, return its status (OSError if the connection failed)."""
        self.sock.sendall(request)
        return read_response(self.sock, self.buffer)

    def send(self, request: bytes) -> int | None:
        """The response's status; sent again once on a new connection if that failed; else None."""
        try:
            return self.exchange(request)
        except OSError:
            # the server closes a keep-alive connection idle for 5 s (at a low rate, 8 connections
            # idle that long): send again once on a new connection before counting an error
            self.reopen()
        try:
            return self.exchange(request)
        except OSError:
            return None

    def reopen(self) -> None:
        """Replace the connection with a new one (the buffer emptied)."""
        self.sock.close()
        self.sock = socket.create_connection(self.address)
        self.buffer.clear()


def connection_thread(
    host: str,
    port: int,
    requests: list[bytes],
    due_times: queue.Queue[tuple[int, float] | None],
    tally: Tally,
) -> None:
    """Send each due request taken from `due_times` on one connection until None; tally the answers."""
    conn = Connection(host, port)
    while (item := due_times.get()) is not None:
        i, due = item
        sent = time.perf_counter()
        status = conn.send(requests[i % len(requests)])
        if status is None:
            tally.failed()
            conn.reopen()
            continue
        tally.answered(i, due, sent, time.perf_counter(), status)
    conn.sock.close()


def schedule(due_times: queue.Queue[tuple[int, float] | None], rate: float, count: int, stops: int) -> None:
    """The open loop: put request i on the queue at its due time (start + i / rate), then `stops` Nones."""
    start = time.perf_counter() + 0.05
    for i in range(count):
        due = start + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        due_times.put((i, due))
    for _ in range(stops):
        due_times.put(None)


def percentile(values: list[float], q: float) -> float:
    """The `q` quantile of sorted `values` (nearest rank below), rounded to the microsecond."""
    return round(values[min(len(values) - 1, int(q * len(values)))], 3)


def figures(tally: Tally, rate: float) -> dict:
    """Percentiles, mean and max of the latencies from due, p50/p99 from send, errors, load."""
    latencies = sorted(tally.latencies)
    service = sorted(tally.service)
    return {
        "requests": len(latencies),
        "errors": tally.errors,
        "rate_per_s": rate,
        "p50_ms": percentile(latencies, 0.50),
        "p90_ms": percentile(latencies, 0.90),
        "p99_ms": percentile(latencies, 0.99),
        "max_ms": round(latencies[-1], 3),
        "mean_ms": round(sum(latencies) / len(latencies), 3),
        "from_send_p50_ms": percentile(service, 0.50),
        "from_send_p99_ms": percentile(service, 0.99),
        "load_average_1min": round(os.getloadavg()[0], 2),
    }


def drive(
    host: str, port: int, request: bytes | list[bytes], rate: float, seconds: float, warmup: float
) -> dict:
    """Open-loop load at `rate` req/s from a scheduler thread and 8 connection threads; latencies in ms
    of the requests due after the warm-up, each measured from the moment it was due. Several
    requests: the i-th due request is `request[i % len(request)]`."""
    requests = request if isinstance(request, list) else [request]
    due_times: queue.Queue[tuple[int, float] | None] = queue.Queue()
    tally = Tally(int(warmup * rate))
    threads = [
        threading.Thread(target=connection_thread, args=(host, port, requests, due_times, tally), daemon=True)
        for _ in range(8)
    ]
    for t in threads:
        t.start()
    schedule(due_times, rate, int((warmup + seconds) * rate), len(threads))
    for t in threads:
        t.join()
    return figures(tally, rate)


class Batches:
    """A client posting batches of cases back to back on its own connection, until stopped."""

    def __init__(self, host: str, port: int, path: str, case: dict, n: int) -> None:
        cases = [dict(case, id=f"batch-{i}") for i in range(n)]
        self.request = build_request("POST", path, host, port, json.dumps(cases).encode())
        self.address = (host, port)
        self.stop = threading.Event()
        self.seconds: list[float] = []
        self.statuses: list[int] = []
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        sock = socket.create_connection(self.address)
        buffer = bytearray()
        while not self.stop.is_set():
            t0 = time.perf_counter()
            sock.sendall(self.request)
            self.statuses.append(read_response(sock, buffer))
            self.seconds.append(time.perf_counter() - t0)
        sock.close()

    def report(self) -> dict:
        """Batches answered, their statuses and durations."""
        done = sorted(self.seconds)
        return {
            "batches": len(done),
            "batch_statuses": sorted(set(self.statuses)),
            "batch_p50_s": round(done[len(done) // 2], 3) if done else None,
            "batch_max_s": round(done[-1], 3) if done else None,
        }


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU time of process `pid`, all its threads (Linux /proc/<pid>/stat)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (comm) "
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def settle(host: str, port: int) -> None:
    """Wait until the server's background warm-up is over (GET /v1/cycle answers once the cycles are
    computed), so that it does not run during the measurement."""
    with socket.create_connection((host, port), timeout=300) as sock:
        sock.sendall(build_request("GET", "/v1/cycle", host, port, None))
        read_response(sock, bytearray())
    time.sleep(2)


def wait_idle(pid: int, limit: float = 600.0) -> float:
    """Wait until the server process is idle (under 5 % of a core over half a second): the background
    warm-up of every capability (forecast models, return rates...) can outlast `settle` on a slow
    machine, and would otherwise run, holding the GIL, during the measurement. Returns the wait."""
    start = time.monotonic()
    before = process_cpu_seconds(pid)
    while time.monotonic() - start < limit:
        time.sleep(0.5)
        now = process_cpu_seconds(pid)
        if now - before < 0.025:
            break
        before = now
    return time.monotonic() - start


def main() -> None:
    """Parse arguments, start the server, drive it, print the figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rate", type=float, default=200.0, help="requests per second")
    ap.add_argument("--seconds", type=float, default=30.0, help="measured duration")
    ap.add_argument("--warmup", type=float, default=3.0, help="warm-up, not counted")
    ap.add_argument("--method", default="POST")
    ap.add_argument(
        "--path", action="append", help="path (repeat: requests cycle through them); default one case"
    )
    ap.add_argument("--body", type=Path, help="JSON body file (default: the first shipped example case)")
    ap.add_argument("--json", type=Path, help="write the figures to this file")
    ap.add_argument("--server-nice", type=int, help="run the server at this niceness (negative needs root)")
    ap.add_argument("--batch", type=int, default=0, help="meanwhile post batches of this many cases")
    ap.add_argument(
        "--offload-workers", type=int, default=1, help="server's worker processes (0: in-process)"
    )
    args = ap.parse_args()
    paths = args.path or ["/v1/cases/responsibility"]
    body: bytes | None = None
    if args.method in ("POST", "PUT"):
        example = json.loads(EXAMPLES.read_text())["examples"][0]["case"]
        body = (args.body.read_text() if args.body else json.dumps(example)).encode()
    proc, host, port = start_server(args.server_nice, ("--offload-workers", str(args.offload_workers)))
    try:
        settle(host, port)
        idle_after = wait_idle(proc.pid)
        request = [build_request(args.method, p, host, port, body) for p in paths]
        batches = None
        if args.batch:
            batches = Batches(host, port, "/v1/cases/responsibility", BATCH_CASE, args.batch)
            batches.thread.start()
        cpu_before = process_cpu_seconds(proc.pid)
        figures = drive(host, port, request, args.rate, args.seconds, args.warmup)
        sent = int((args.warmup + args.seconds) * args.rate)
        figures["server_cpu_ms_per_request"] = round(
            (process_cpu_seconds(proc.pid) - cpu_before) * 1000 / sent, 3
        )
        if batches is not None:
            batches.stop.set()
            batches.thread.join(timeout=120)
            figures.update(batch_cases=args.batch, **batches.report())
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    figures["endpoint"] = f"{args.method} {' | '.join(paths)}"
    figures["server_nice"] = args.server_nice
    figures["offload_workers"] = args.offload_workers
    figures["server_idle_after_s"] = round(idle_after, 1)
    print(json.dumps(figures, indent=2))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
