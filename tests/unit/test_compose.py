"""docker-compose.yml stays valid and in step with the topics and services of DESIGN.md."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from b4g.core.events.topics import TOPICS

REPO = Path(__file__).resolve().parents[2]


def test_compose_file_is_valid():
    tool = shutil.which("docker-compose")
    if tool is None:
        pytest.skip("docker-compose is not installed (apt-get install docker-compose)")
    result = subprocess.run(
        [tool, "-f", str(REPO / "docker-compose.yml"), "config", "-q"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_every_topic_is_created_with_its_cleanup_policy():
    script = (REPO / "deploy" / "kafka" / "topics.sh").read_text()
    for spec in TOPICS:
        line = next(line for line in script.splitlines() if f"create {spec.name} " in line)
        assert int(line.split()[2]) == spec.partitions
        assert ("cleanup.policy=compact" in line) == spec.compacted


def test_each_service_has_its_database_and_port():
    compose = (REPO / "docker-compose.yml").read_text()
    for name, port in (("issuer", 8001), ("verifier", 8002), ("registry", 8003)):
        assert re.search(rf"postgres:5432/b4g_{name}\b", compose)
        assert f'"{port}:{port}"' in compose


def test_the_stack_keeps_its_data_and_restarts():
    compose = (REPO / "docker-compose.yml").read_text()
    # Kafka's log on its volume (else the compacted topics verifiers rebuild from are lost).
    assert "KAFKA_LOG_DIRS: /var/lib/kafka/data" in compose
    assert "kafkadata:/var/lib/kafka/data" in compose
    for image in re.findall(r"image: (\S+)", compose):
        tag = image.rsplit(":", 1)[1]
        assert "." in tag, f"{image} is not pinned to a minor version"
    assert compose.count("restart: unless-stopped") >= 7
    assert (REPO / ".dockerignore").read_text().count(".venv") == 1
    dockerfile = (REPO / "deploy" / "Dockerfile").read_text()
    assert dockerfile.index("--no-install-workspace") < dockerfile.index("COPY shared shared")
