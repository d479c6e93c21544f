"""Topic names and event types from DESIGN.md, in one place."""

from __future__ import annotations

from typing import Final

ISSUER_CREDENTIALS: Final = "b4g.issuer.credentials.v1"
ISSUER_STATUS_LISTS: Final = "b4g.issuer.status-lists.v1"
ISSUER_PROFILES: Final = "b4g.issuer.profiles.v1"
REGISTRY_TRUST: Final = "b4g.registry.trust.v1"
REGISTRY_LABELS: Final = "b4g.registry.labels.v1"
REGISTRY_WITNESSES: Final = "b4g.registry.witnesses.v1"


class TopicSpec:
    """How a topic is created: compacted topics keep the newest value per key forever."""

    __slots__ = ("compacted", "name", "partitions")

    def __init__(self, name: str, *, partitions: int, compacted: bool) -> None:
        self.name = name
        self.partitions = partitions
        self.compacted = compacted


TOPICS: Final = (
    TopicSpec(ISSUER_CREDENTIALS, partitions=6, compacted=False),
    TopicSpec(ISSUER_STATUS_LISTS, partitions=3, compacted=True),
    TopicSpec(ISSUER_PROFILES, partitions=3, compacted=True),
    TopicSpec(REGISTRY_TRUST, partitions=3, compacted=True),
    TopicSpec(REGISTRY_LABELS, partitions=3, compacted=False),
    # Keyed by credential hash, each written once: compaction keeps every witness for verifiers
    # that start later, without a time limit.
    TopicSpec(REGISTRY_WITNESSES, partitions=6, compacted=True),
)

# CloudEvents `type` values, namespaced by reverse domain as CloudEvents recommends.
CREDENTIAL_ISSUED: Final = "org.badges4good.credential.issued"
CREDENTIAL_STATUS_CHANGED: Final = "org.badges4good.credential.status-changed"
STATUS_LIST_PUBLISHED: Final = "org.badges4good.status-list.published"
ISSUER_UPSERTED: Final = "org.badges4good.issuer.upserted"
TRUST_UPDATED: Final = "org.badges4good.trust.updated"
LABEL_GRANTED: Final = "org.badges4good.label.granted"
LABEL_SUSPENDED: Final = "org.badges4good.label.suspended"
LABEL_REINSTATED: Final = "org.badges4good.label.reinstated"
LABEL_WITHDRAWN: Final = "org.badges4good.label.withdrawn"
LABEL_EXPIRED: Final = "org.badges4good.label.expired"
ISSUANCE_WITNESSED: Final = "org.badges4good.issuance.witnessed"

EVENT_TOPIC: Final = {
    CREDENTIAL_ISSUED: ISSUER_CREDENTIALS,
    CREDENTIAL_STATUS_CHANGED: ISSUER_CREDENTIALS,
    STATUS_LIST_PUBLISHED: ISSUER_STATUS_LISTS,
    ISSUER_UPSERTED: ISSUER_PROFILES,
    TRUST_UPDATED: REGISTRY_TRUST,
    LABEL_GRANTED: REGISTRY_LABELS,
    LABEL_SUSPENDED: REGISTRY_LABELS,
    LABEL_REINSTATED: REGISTRY_LABELS,
    LABEL_WITHDRAWN: REGISTRY_LABELS,
    LABEL_EXPIRED: REGISTRY_LABELS,
    ISSUANCE_WITNESSED: REGISTRY_WITNESSES,
}


def topic_name(topic: str, prefix: str = "") -> str:
    """The broker-side name: a prefix lets test runs and tenants of one cluster never meet."""
    return f"{prefix}{topic}"
