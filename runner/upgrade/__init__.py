"""Upgrade plans: waves, maintenance windows, pre/post checks, halt and rollback.

Modules: ``waves`` (split targeted hosts into waves; the halt rule), ``window`` (open at
``now``? next opening), ``model`` (outcomes and results, plain data), ``plays`` (the plays of
a wave and how their results are judged), ``record`` (the run record), ``inventory_edit``
(declared versions follow reality, byte for byte elsewhere), ``run`` (the orchestration:
window -> waves -> pre-checks -> apt -> post-checks -> halt / rollback -> record -> commit).
"""
