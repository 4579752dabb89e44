"""`stepwise serve` and `stepwise demo` as the load and fault runs use them: in processes of
their own, on a database named by URL, so the traffic's client never shares the server's
event loop or cores' scheduling with it."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

STEPWISE = [sys.executable, "-c", "from cli.main import app; app()"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _environment(url: str, data_dir: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STEPWISE_", "DATABASE_"))}
    return env | {
        "DATABASE_URL": url,
        "DATABASE_DATA_DIR": str(data_dir),
        "STEPWISE_DATA_DIR": str(data_dir),
        **(extra or {}),
    }


def load_demo(url: str, data_dir: Path) -> None:
    """`stepwise demo` on `url` (it migrates first); a loaded demo is left as it is."""
    done = subprocess.run(  # noqa: S603 - our own entry point
        [*STEPWISE, "demo"],
        env=_environment(url, data_dir),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"stepwise demo failed:\n{done.stdout}\n{done.stderr}")


class Service:
    """`stepwise serve` on 127.0.0.1:`port`; its output goes to `data_dir`/server.log."""

    def __init__(
        self, url: str, data_dir: Path, port: int, extra_env: dict[str, str] | None = None
    ) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.log = data_dir / "server.log"
        with self.log.open("w") as output:
            self.process = subprocess.Popen(  # noqa: S603 - our own entry point
                [*STEPWISE, "serve", "--host", "127.0.0.1", "--port", str(port)],
                env=_environment(url, data_dir, extra_env),
                stdout=output,
                stderr=subprocess.STDOUT,
            )

    def wait(self, seconds: float = 90) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                if httpx.get(f"{self.base}/health", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"stepwise serve did not start:\n{self.log.read_text()}")

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
