"""A failed check ends the scenario; there are no warnings: a known bug is a failure."""


class TestFailure(AssertionError):
    pass


def check(condition, message):
    if not condition:
        raise TestFailure(message)
