"""One page under load: `BENCH_TARGET` (JSON) names the request, `BENCH_COOKIES` the session.

Run by bench/run.py as its own process (locust patches the standard library with gevent, so
it never shares a process with Django):

    locust -f bench/locustfile.py --headless -u 4 -r 4 -t 10s --host http://127.0.0.1:8103
"""

from __future__ import annotations

import json
import os
from typing import Any

import gevent  # type: ignore[import-untyped]
from locust import FastHttpUser, constant, events, task
from locust.env import Environment

TARGET: dict[str, Any] = json.loads(os.environ.get("BENCH_TARGET", '{"path": "/"}'))
COOKIES: dict[str, str] = json.loads(os.environ.get("BENCH_COOKIES", "{}"))
COOKIE_HEADER = "; ".join(f"{name}={value}" for name, value in COOKIES.items())
SECONDS = float(os.environ.get("BENCH_SECONDS", "10"))


@events.test_start.add_listener
def stop_after_run_time(environment: Environment, **_kwargs: Any) -> None:
    """Stop after BENCH_SECONDS of load. Locust's own --run-time timer reads the event loop's
    cached clock, which is seconds stale after a slow start on a busy machine, and then
    fires almost at once."""

    def stop() -> None:
        gevent.get_hub().loop.update_now()
        gevent.sleep(SECONDS)
        if environment.runner is not None:
            environment.runner.quit()

    gevent.spawn(stop)


class PageUser(FastHttpUser):
    wait_time = constant(0)

    @task
    def page(self) -> None:
        headers = {"Cookie": COOKIE_HEADER, **TARGET.get("headers", {})}
        name = TARGET.get("name", TARGET["path"])
        if TARGET.get("method", "GET") == "GET":
            self.client.get(TARGET["path"], headers=headers, name=name)
        elif "json" in TARGET:
            self.client.post(TARGET["path"], json=TARGET["json"], headers=headers, name=name)
        else:
            self.client.post(TARGET["path"], data=TARGET["data"], headers=headers, name=name)
