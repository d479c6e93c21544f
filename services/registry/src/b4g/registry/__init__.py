"""The Badges4Good registry: organisations, their DIDs and trust, and the Quality Label.

One pattern, by resource (organisations, dids, applications, decisions, grants, scheme, cases,
trust, witnesses, trqp, snapshot, directory, pages):

- `api/<resource>.py`: Litestar handlers; each takes `ctx: Ctx` (the `RegistryContext`, built
  once by `app.build_registry_context`) and, when authenticated, `principal: Caller`, and calls
  one use case. Listed in `api/routes.py`, whose router maps domain errors to problem details.
- `usecases/<resource>.py`: functions of `(ctx, principal, command)` returning msgspec structs
  (camelCase on the wire); each reads `ctx.clock()` once, runs one transaction, audits with
  `usecases.audit.record` and publishes through the outbox with `ctx.outbox_shards`.
- `domain/`: pure rules (`roles`, `label`, `scheme`, `trqp`, …) and `errors.py` (codes and
  titles, no HTTP; `api/errors.py` gives each kind its status).
- `store/<table group>.py`: all SQL, returning the frozen rows of `store/rows.py`.

To add an endpoint: a command/result struct and a function in the use-case module, a handler in
the api module, the route in its module's `ROUTES`; import contracts in pyproject.toml keep
Litestar out of use cases and the store out of the api.
"""
