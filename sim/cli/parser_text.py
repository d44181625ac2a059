"""The argument parser's own words in the language in use.

argparse words its usage lines, errors and help headings through :mod:`gettext`: the module
does ``from gettext import gettext as _, ngettext`` and calls ``_("usage: ")``,
``_("the following arguments are required: %s")`` and the like when it builds a parser,
formats help and reports an error. :func:`parser_language` points those two names at
hallsim's catalogue (:mod:`sim.report.i18n`) while the command line is built and parsed,
when the language in use is not English, and puts argparse's own back afterwards; in
English nothing is touched, so every byte argparse prints is as it always was.

hallsim's own help texts (each option's ``help``, a verb's description and epilog) are
message ids of the same catalogue, translated as the help is formatted
(:class:`TranslatingFormatter`): the parsers are declared once, in English.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
from collections.abc import Iterator
from typing import Any

from sim.report.i18n import language, tr


def _gettext(message: str) -> str:
    return tr(message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    from sim.report.i18n import _catalogue

    return _catalogue(language()).ngettext(singular, plural, n)


@contextlib.contextmanager
def parser_language() -> Iterator[None]:
    """While in it, argparse's own messages (usage, errors, help headings) come from
    hallsim's catalogue when the language in use is not English; argparse's gettext hooks
    are restored on leaving, even when the parser exits (``SystemExit``)."""
    if language() == "en":
        yield
        return
    saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]
    argparse._, argparse.ngettext = _gettext, _ngettext  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]


class _Translating(argparse.HelpFormatter):
    """Help texts, descriptions and epilogs through the catalogue (English: as written)."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = super()._get_help_string(action)
        return tr(text) if text and language() != "en" else text

    def add_text(self, text: str | None) -> None:
        if text and text is not argparse.SUPPRESS and language() != "en":
            text = tr(text)
        super().add_text(text)


@functools.cache
def translating(formatter_class: type[Any]) -> type[Any]:
    """``formatter_class`` (a :class:`argparse.HelpFormatter`) that words the help texts,
    descriptions and epilogs in the language in use."""
    if issubclass(formatter_class, _Translating):
        return formatter_class
    return type(f"Translating{formatter_class.__name__}", (_Translating, formatter_class), {})


def help_texts(parser: argparse.ArgumentParser) -> list[str]:
    """Every help text, description and epilog of ``parser`` and its subparsers, as
    declared (the catalogue's message ids)."""
    texts: list[str] = []
    seen: set[int] = set()

    def walk(p: argparse.ArgumentParser) -> None:
        if id(p) in seen:
            return
        seen.add(id(p))
        texts.extend(t for t in (p.description, p.epilog) if t)
        for action in p._actions:
            if action.help and action.help is not argparse.SUPPRESS:
                texts.append(action.help)
            if isinstance(action, argparse._SubParsersAction):
                texts.extend(c.help for c in action._choices_actions if c.help)
                for sub in action.choices.values():
                    walk(sub)

    walk(parser)
    return list(dict.fromkeys(texts))
