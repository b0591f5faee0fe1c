"""Exceptions whose messages are shown to students, in Chinese.

>>> from cslab.errors import InputError
>>> str(InputError("请输入内容"))
'请输入内容'
"""

__all__ = ["CslabError", "InputError", "DataError"]


class CslabError(Exception):
    """Base class: the message is Chinese and says what to fix."""


class InputError(CslabError, ValueError):
    """The student's input cannot be used as given (empty, wrong type, out of range)."""


class DataError(CslabError, OSError):
    """A course data file is missing or corrupt; the message names the file and the fix."""
