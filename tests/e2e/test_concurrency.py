"""Many CI jobs at once: 64 clients write and read KV v2 for
E2E_CONCURRENCY_SECONDS (default 10) against persistent storage (Coffer:
SQLite; OpenBao: raft). Every request succeeds, every acknowledged write is
readable afterwards with its value, and each read sees its own thread's
earlier writes."""

import os
import random
import threading
import time

from conftest import new_session, random_value

THREADS = 64
SECONDS = float(os.environ.get("E2E_CONCURRENCY_SECONDS", "10"))


def test_64_concurrent_clients_lose_no_acknowledged_write(config_server_factory, capsys):
    server = config_server_factory()
    init = server.init(shares=1, threshold=1)
    server.unseal(init["keys_base64"])
    server.mount("secret", "kv", options={"version": "2"})

    token = server.root_token
    base = server.url + "/v1/secret/data/load"
    acked: list[dict[str, str]] = [dict() for _ in range(THREADS)]
    failures: list[str] = []   # status codes and paths only, never values
    ops = [0] * THREADS
    lock = threading.Lock()
    start_gate = threading.Barrier(THREADS)
    deadline_box: list[float] = []

    def fail(msg: str) -> None:
        with lock:
            failures.append(msg)

    def worker(t: int) -> None:
        session = new_session()
        session.headers["X-Vault-Token"] = token
        mine = acked[t]
        rng = random.Random(t)
        start_gate.wait()
        deadline = deadline_box[0]
        n = 0
        try:
            while time.monotonic() < deadline:
                path = f"{t}/{n}"
                value = random_value(24)
                r = session.post(f"{base}/{path}", json={"data": {"v": value}, "options": {}},
                                 timeout=30)
                ops[t] += 1
                if r.status_code // 100 != 2:
                    fail(f"write {path}: {r.status_code} {r.text[:200]}")
                    return
                mine[path] = value
                n += 1
                old = f"{t}/{rng.randrange(n)}"
                r = session.get(f"{base}/{old}", timeout=30)
                ops[t] += 1
                if r.status_code != 200:
                    fail(f"read {old}: {r.status_code} {r.text[:200]}")
                    return
                if r.json()["data"]["data"].get("v") != mine[old]:
                    fail(f"read {old}: value differs from the acknowledged write")
                    return
        except Exception as e:  # a reset connection is a failure, not a crash of the test
            fail(f"thread {t}: {type(e).__name__}: {str(e)[:200]}")
        finally:
            session.close()

    threads = [threading.Thread(target=worker, args=(t,), daemon=True) for t in range(THREADS)]
    deadline_box.append(time.monotonic() + SECONDS)  # set before anyone passes the barrier
    began = time.monotonic()
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=SECONDS + 120)
    elapsed = time.monotonic() - began
    stuck = sum(th.is_alive() for th in threads)
    assert stuck == 0, f"{stuck} client threads still blocked after {SECONDS + 120}s"
    assert not failures, f"{len(failures)} failed requests, first ones: {failures[:5]}"

    total_ops = sum(ops)
    writes = sum(len(m) for m in acked)
    with capsys.disabled():
        print(f"\n[concurrency] {server.kind}: {THREADS} clients, {total_ops} ops in "
              f"{elapsed:.1f}s = {total_ops / elapsed:.0f} ops/s ({writes} acknowledged writes)")
    assert writes >= THREADS, "fewer acknowledged writes than clients: the server hardly answered"

    # Every acknowledged write is there, with its value.
    session = new_session()
    session.headers["X-Vault-Token"] = token
    missing = wrong = 0
    first_bad = None
    for mine in acked:
        for path, value in mine.items():
            r = session.get(f"{base}/{path}", timeout=30)
            if r.status_code != 200:
                missing += 1
                first_bad = first_bad or f"{path}: {r.status_code}"
            elif r.json()["data"]["data"].get("v") != value:
                wrong += 1
                first_bad = first_bad or f"{path}: value differs"
    assert missing == 0 and wrong == 0, (
        f"{missing} acknowledged writes missing, {wrong} with a wrong value "
        f"(of {writes}); first: {first_bad}")
