"""The web API: FastAPI app, routes, errors, limits and metrics (see ``app.create_app``)."""
