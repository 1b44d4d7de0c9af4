"""Screening at the external border and within the territory (Regulation (EU) 2024/1356).

A screening record per person (`record`), its time limit (`timelimit`, Art. 8(3)-(4)), the form
(`form`, Art. 17), the referral (`outcome`, Art. 18), the checks through the EU information systems
(`connectors`, Arts 14-16), the store (`store`) and the use cases (`service`).
"""
