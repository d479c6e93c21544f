"""Liveness and readiness of a service process, and the gauges of its background work.

`/ready` answers 503 with the reason while the database or the broker is unreachable, or while
a supervised task (outbox relay, consumer, loop) is failing or not making progress, or while
the oldest unpublished event is older than the service tolerates: a load balancer then stops
sending work to a replica whose events would not reach anyone.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from typing import Any

import asyncpg
from litestar import MediaType, Response, get
from litestar.datastructures import State
from opentelemetry.metrics import CallbackOptions, Meter, Observation

from b4g.core.infra.problems import Problem, problem_response
from b4g.core.infra.supervise import Health

# Unpublished events older than this make the service not ready (a relay is stuck somewhere).
MAX_BACKLOG_AGE_SECONDS = 60.0


@get(
    "/health", tags=["operations"], summary="Liveness", include_in_schema=True, sync_to_thread=False
)
def health(state: State) -> dict[str, str]:
    """The process is alive. It does not check dependencies (see `/ready`)."""
    return {"status": "ok", "service": state.runtime.settings.service_name}


@get("/ready", tags=["operations"], summary="Readiness")
async def ready(state: State) -> Response[Any]:
    """Ready when the database and the broker are reachable and every background task (outbox
    relay, consumers, loops) is making progress; 503 with the reasons otherwise."""
    runtime = state.runtime
    checks = {"database": await _database_ok(runtime.pool), "broker": await runtime.broker_ready()}
    problems = [f"the {name} is unreachable" for name, ok in checks.items() if not ok]
    problems.extend(task_problems(runtime.healths))
    if not problems:
        tasks = {h.name: {"restarts": h.restarts, **h.detail} for h in runtime.healths}
        return Response(
            {"status": "ready", "checks": checks, "tasks": tasks}, media_type=MediaType.JSON
        )
    return problem_response(
        Problem(
            type="https://badges4good.org/problems/not_ready",
            title="Service not ready",
            status=503,
            code="not_ready",
            detail="; ".join(problems),
            instance="/ready",
        ),
        headers={"Retry-After": "5"},
    )


def task_problems(healths: Iterable[Health]) -> list[str]:
    problems = []
    for task in healths:
        if problem := task.problem():
            problems.append(problem)
        backlog = task.detail.get("backlog_age_s", 0.0)
        if backlog > MAX_BACKLOG_AGE_SECONDS:
            problems.append(f"the oldest unpublished event is {backlog:.0f} s old")
    return problems


async def _database_ok(pool: asyncpg.Pool | None) -> bool:
    if pool is None:
        return False
    try:
        async with asyncio.timeout(2):
            await pool.fetchval("SELECT 1")
        return True
    except (OSError, asyncpg.PostgresError, TimeoutError, asyncpg.InterfaceError):
        return False


def observe_health(meter: Meter, healths: Sequence[Health]) -> None:
    """Gauges of the outbox backlog's age, consumer lag and restarts of background tasks (read
    from the tasks' own health at each collection)."""

    def detail(key: str) -> Any:
        def observe(_options: CallbackOptions) -> Iterable[Observation]:
            return [
                Observation(h.detail[key], {"b4g.task": h.name}) for h in healths if key in h.detail
            ]

        return observe

    def restarts(_options: CallbackOptions) -> Iterable[Observation]:
        return [Observation(h.restarts, {"b4g.task": h.name}) for h in healths]

    meter.create_observable_gauge(
        "b4g.outbox.backlog.age",
        [detail("backlog_age_s")],
        unit="s",
        description="Age of the oldest outbox event not yet published",
    )
    meter.create_observable_gauge(
        "b4g.consumer.lag",
        [detail("lag")],
        unit="{message}",
        description="Events on the broker not yet processed by this consumer",
    )
    meter.create_observable_gauge(
        "b4g.task.restarts",
        [restarts],
        unit="{restart}",
        description="Restarts of a supervised background task since the process started",
    )
