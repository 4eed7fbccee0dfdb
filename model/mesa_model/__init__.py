"""The Mesa face: the Mesa model of one run, its agents, and the app.

`network_model` (`TrustNetworkModel`: one run stepped week by week through the compiled
weekly process), `agents` (organisations as views of the state arrays), `app` and
`app_ensemble` (the Solara page and its ensemble view).

May import: `model.process`, `model.inputs`, third-party packages.
"""
