"""TRQP v2 queries: is an issuer DID authorized by this registry's authority, and does this
authority recognise another one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from b4g.registry.domain import trqp
from b4g.registry.domain.errors import UnknownActionResource, UnknownAuthority
from b4g.registry.usecases import trust
from b4g.registry.usecases.context import RegistryContext


@dataclass(frozen=True, slots=True)
class Question:
    entity_id: str
    authority_id: str
    action: str
    resource: str
    time_requested: str | None  # RFC 3339 UTC; None: now


@dataclass(frozen=True, slots=True)
class Verdict:
    yes: bool
    message: str
    evaluated: datetime


def _check(ctx: RegistryContext, question: Question) -> None:
    if question.authority_id != ctx.authority_id:
        raise UnknownAuthority(f"this registry answers for the authority {ctx.authority_id!r} only")
    if (question.action, question.resource) not in trqp.KNOWN:
        known = ", ".join(f"{a} {r}" for a, r in sorted(trqp.KNOWN))
        raise UnknownActionResource(f"known action and resource pairs: {known}")


async def authorization(ctx: RegistryContext, question: Question) -> Verdict:
    _check(ctx, question)
    now = ctx.clock()
    moment = trust.moment(question.time_requested, now)
    state, status_then = await trust.state_at(ctx, question.entity_id, moment)
    answer = trqp.authorization(state, status_then, question.resource, moment)
    return Verdict(answer.yes, answer.message, now)


def recognition(ctx: RegistryContext, question: Question) -> Verdict:
    _check(ctx, question)
    now = ctx.clock()
    trust.moment(question.time_requested, now)  # validated; recognition is not time-varying here
    answer = trqp.recognition(question.entity_id, ctx.authority_id, ctx.recognised)
    return Verdict(answer.yes, answer.message, now)
