"""Upgrade plans: waves, maintenance windows, pre/post checks, halt and rollback.

Modules: ``waves`` (split targeted hosts into waves), ``window`` (open at ``now``? next
opening), ``inventory_edit`` (declared versions follow reality, byte for byte elsewhere),
``run`` (the orchestration: window -> waves -> pre-checks -> apt -> post-checks -> halt /
rollback -> record -> commit).
"""
