"""The weekly process and its equations, compiled (numba).

`state` (the state arrays of a block of runs), `structure` (its static arrays and the
parameter array), `draws` (counter-based random numbers), `trust` (the trust rules),
`levers` (the timeline and interventions of a week), `dynamics` (the weekly process, in
the order of the ODD), `metrics` (what is recorded), `kernel` (the compiled driver of a
block), `engines` (the two engines that run it: the Mesa model run by run, the batched
engine block by block), `compiled` (how it is compiled and cached).

May import: `model.inputs`, third-party packages; `engines` alone uses `model.mesa_model`
(the Mesa engine), where it is used.
"""
