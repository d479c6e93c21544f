"""What `make run` leaves in its state folder for the operator commands: each service's database
URL and the key files, so `b4g-issuer …` and `b4g-registry …` work against the local stack
without anyone copying a URL. Written when the stack is up, removed when it stops."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

STACK_FILE = "stack.json"
DEFAULT_STATE_DIR = ".b4g"


class NoDatabase(Exception):
    """No database is configured and no local stack runs; the message names the fix."""


def state_dir(env: Mapping[str, str] | None = None) -> Path:
    source = os.environ if env is None else env
    return Path(source.get("B4G_STATE_DIR", DEFAULT_STATE_DIR))


def write_stack(state: Path, services: Mapping[str, Mapping[str, str]]) -> Path:
    """`services`: per service its `B4G_…` settings an operator command needs (database URL,
    key files) and its base URL. Private to the user: the URLs may carry a password."""
    path = state / STACK_FILE
    path.touch(mode=0o600)
    path.write_text(json.dumps({"services": services}, indent=2))
    return path


def clear_stack(state: Path) -> None:
    (state / STACK_FILE).unlink(missing_ok=True)


def describe(url: str) -> str:
    """A database URL without its password: `b4g_issuer on 127.0.0.1:5432`."""
    parts = urlsplit(url)
    database = parts.path.lstrip("/") or "postgres"
    socket = parse_qs(parts.query).get("host")
    if socket:  # a Unix socket, as the embedded PostgreSQL of `make run` listens
        return f"{database} at {socket[0]}"
    return f"{database} on {parts.hostname or 'localhost'}:{parts.port or 5432}"


@dataclass(frozen=True, slots=True)
class OperatorEnv:
    env: dict[str, str]  # the environment to load settings from
    note: str  # which database the command uses, and why


def operator_env(service: str, env: Mapping[str, str] | None = None) -> OperatorEnv:
    """The settings environment of an operator command of `service`: what is set wins; when no
    database is set, the running local stack's (from the state folder); otherwise NoDatabase."""
    source = dict(os.environ if env is None else env)
    explicit = source.get("B4G_DATABASE_URL") or source.get("DATABASE_URL")
    if explicit:
        if not explicit.startswith(("postgresql://", "postgres://")):
            raise NoDatabase(
                "B4G_DATABASE_URL is not a PostgreSQL URL: set it to "
                f"postgresql://user@host:port/database (the {service}'s database), or unset it "
                "to use the local stack of `make run`"
            )
        return OperatorEnv(source, f"database {describe(explicit)} (from B4G_DATABASE_URL)")
    path = state_dir(source) / STACK_FILE
    try:
        stack = json.loads(path.read_text())
        settings = dict(stack["services"][service])
    except FileNotFoundError:
        raise NoDatabase(
            f"no database: start the local stack with `make run` (it records its databases in "
            f"{path}), or set B4G_DATABASE_URL to the {service}'s database"
        ) from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise NoDatabase(f"{path} cannot be read ({exc}); restart `make run`") from None
    for name, value in settings.items():
        if name.startswith("B4G_"):
            source.setdefault(name, str(value))
    return OperatorEnv(
        source, f"database {describe(source['B4G_DATABASE_URL'])} (the local stack, from {path})"
    )


def database_hint(service: str, exc: BaseException) -> str:
    """One line for a database that cannot be used, naming the fix."""
    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return (
        f"the database cannot be used ({reason}): is the local stack running (`make run`)? "
        f"Otherwise set B4G_DATABASE_URL to the {service}'s database"
    )
