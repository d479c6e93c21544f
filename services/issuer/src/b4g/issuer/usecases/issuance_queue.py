"""Issuing concurrent requests together.

Each HTTP issuance joins a queue; a few lanes take whatever has gathered and hand it to the
issuance pipeline as one batch (one transaction, a fixed handful of statements). The round trips
and the commit of a credential are shared by every request that arrived with it, and nobody
waits for a batch to fill: a lane takes what is there. Each request still gets the answer it
would get alone (the pipeline answers each order on its own).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from opentelemetry import trace

from b4g.issuer.domain.errors import ShuttingDown
from b4g.issuer.usecases.context import IssuerContext
from b4g.issuer.usecases.issuance import answer, issue_batch
from b4g.issuer.usecases.issuance_orders import Issued, IssueOrder, Outcome


@dataclass(frozen=True, slots=True)
class _Waiting:
    order: IssueOrder
    result: asyncio.Future[Issued]


class IssuanceBatcher:
    """The queue and its lanes; `issue` is what HTTP handlers call."""

    def __init__(
        self, ctx: IssuerContext, *, tracer: trace.Tracer | None = None, max_batch: int = 64
    ) -> None:
        self._ctx = ctx
        self._tracer = tracer or trace.get_tracer(__name__)
        self._max_batch = max_batch
        self._queue: asyncio.Queue[_Waiting] = asyncio.Queue()
        self._lanes = 0

    async def issue(self, order: IssueOrder) -> Issued:
        if self._lanes == 0:  # not serving (a tool, a test without the lifespan): a batch of one
            [outcome] = await issue_batch(self._ctx, [order])
            return answer(outcome)
        result: asyncio.Future[Issued] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait(_Waiting(order, result))
        return await result

    async def run(self, lanes: int) -> None:
        """Serve the queue with `lanes` concurrent batches until cancelled."""
        await asyncio.gather(*(self._lane() for _ in range(lanes)))

    async def _lane(self) -> None:
        self._lanes += 1
        try:
            while True:
                batch = [await self._queue.get()]
                while len(batch) < self._max_batch and not self._queue.empty():
                    batch.append(self._queue.get_nowait())
                try:
                    await self._answer(batch)
                finally:  # cancelled mid-batch (shutdown): nobody may wait forever
                    for waiting in batch:
                        if not waiting.result.done():
                            waiting.result.set_exception(
                                ShuttingDown("the issuer is shutting down; retry the request")
                            )
        finally:
            self._lanes -= 1

    async def _answer(self, batch: list[_Waiting]) -> None:
        orders = [waiting.order for waiting in batch]
        links = [trace.Link(trace.get_current_span(o.trace).get_span_context()) for o in orders]
        with self._tracer.start_as_current_span(
            "issue credentials together", links=links, attributes={"b4g.batch.size": len(batch)}
        ):
            outcomes = await issue_batch(self._ctx, orders)
        for waiting, outcome in zip(batch, outcomes, strict=True):
            _settle(waiting.result, outcome)


def _settle(result: asyncio.Future[Issued], outcome: Outcome | Exception) -> None:
    if result.done():  # the caller went away
        return
    if isinstance(outcome, Exception):
        result.set_exception(outcome)
    else:
        result.set_result(outcome)
