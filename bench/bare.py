"""The baseline for bench/wrk.py: a bare FastAPI endpoint on uvicorn, nothing else, served
the way `stepwise serve` serves (one process, uvicorn's defaults, access log at info), so the
mixed run's figures read as ratios of what the framework and server alone give.

    python -m bench.bare PORT
"""

import sys

import uvicorn
from fastapi import FastAPI

app = FastAPI()


@app.get("/bare")
async def bare() -> dict[str, str]:
    return {"status": "ok"}


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="info")
