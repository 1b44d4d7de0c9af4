"""Temporary protection (Directive 2001/55/EC; Ukraine: Implementing Decision (EU) 2022/382 as extended).

`stock`: beneficiaries per Member State and month from the shipped Eurostat migr_asytpsm;
`commands`: `migralex tp stock`. The end-of-protection scenario lives in `migralex.sim.tp_end`,
the registry's check of multiple registrations in `migralex.registry.tp_multiple`.
"""
