"""What a run is given: the parameter registry, scenarios, interventions, theory variants.

`parameters` (every parameter with its default, range and source), `parameter_table`
(the ODD's table generated from it), `scenario` and `scenarios/` (networks X and Y, and
synthetic networks), `interventions` (the catalogue of I1-I6), `variants` (T1-T8 and the
small compiled pieces where they act), `files`, `schema` and `errors` (one guarded reader
and the schemas of every input file).

May import: third-party packages; `variants` also `model.process.structure` and
`model.process.compiled` (the parameter array it reads).
"""
