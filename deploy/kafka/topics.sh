#!/bin/sh
# Creates the topics of DESIGN.md on an Apache Kafka cluster (idempotent).
# Usage: topics.sh BOOTSTRAP   (runs inside the apache/kafka image)
set -eu
BOOTSTRAP="${1:-kafka:9092}"
KT=/opt/kafka/bin/kafka-topics.sh
create() { # name partitions extra-config...
  name=$1; partitions=$2; shift 2
  "$KT" --bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic "$name" \
    --partitions "$partitions" --replication-factor 1 "$@"
}
# Credentials: every issued credential and status change, kept 30 days.
create b4g.issuer.credentials.v1 6 --config retention.ms=2592000000
# Compacted: the newest value per key is kept forever.
create b4g.issuer.status-lists.v1 3 --config cleanup.policy=compact
create b4g.issuer.profiles.v1 3 --config cleanup.policy=compact
create b4g.registry.trust.v1 3 --config cleanup.policy=compact
# Label lifecycle events, kept 30 days.
create b4g.registry.labels.v1 3 --config retention.ms=2592000000
# Issuance witnesses, keyed by credential hash and written once: compacted, kept forever.
create b4g.registry.witnesses.v1 6 --config cleanup.policy=compact
