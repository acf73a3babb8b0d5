"""Placeholder; replaced by the partition-indexed Query patch."""


def apply() -> None:
    return None
