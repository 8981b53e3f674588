"""Local stand-in for a Milestone XProtect API Gateway + identity provider (IDP).

The simulator speaks the RESTful Config API (``/api/rest/v1``) and the IDP token endpoint
over real HTTP(S), so the collection, its tests, the demo and the benchmarks can run without a
real XProtect server.  Run it with ``python -m simulator --help`` from the repository root.

It deliberately imports nothing from ``plugins/``: the collection and the simulator meet only over
HTTP, as the collection and a real server do.
"""

__version__ = "1.0.0"
