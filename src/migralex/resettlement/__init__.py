"""Resettlement and humanitarian admission (URF, Reg. (EU) 2024/1350): the Union Plan and its inflow."""
