"""JSON API (/api/v1): shared plumbing. Each feature has its own API blueprint under /api/v1 and
its own OpenAPI fragment (``visitorapp/<feature>/openapi.json``), merged into one document here."""
