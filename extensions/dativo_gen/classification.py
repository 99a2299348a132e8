"""PII / SENSITIVE suggested from a field's name: the defaults of the classification questions.

A name is cut into words: snake_case, kebab-case and camelCase first, then words run
together in lower case (`mobilephone`, `firstname`, `creditlimit`, `dateofbirth`) are split
into the words of VOCABULARY. Matching whole words rather than substrings keeps `classname`
clear of `ssn` and `cardinality` clear of `card`.

The spec's generator marks every name containing "name" as PII. Here `name` counts unless
the word before it says what kind of thing is named (`file_name`, `filename`,
`table_name`, `object_name`, `dealname`, `hostname`, `company_name`): those name things,
not people, and a PII default on them would have to be removed by hand on every
table that has them. A bare `name` and `username` stay PII: in a customer, contact or
user table they are a person's name or handle, and a wrong PII suggestion costs one
edit while a missed one leaks. PII wins over SENSITIVE (stricter duties).
"""

from __future__ import annotations

import itertools
import re
from functools import cache

# Words that alone mark personal data.
PII_WORDS = frozenset(
    """email mail phone mobile cell cellphone telephone fax surname firstname lastname fullname
    middlename nickname username address street zip zipcode postcode postal birth birthdate
    birthday dob ssn ip ipv4 ipv6 passport nationality gender""".split()
)
# Adjacent words that mean personal data only together.
PII_PAIRS = frozenset({("social", "security")})
# Parts of words that mark personal data wherever they appear (`homephone`, `emailaddress`).
PII_STEMS = ("email", "phone", "address", "birth", "passport")
# The word before `name` that makes it the name of a thing rather than of a person.
THING_NAMES = frozenset(
    """file object table schema column field host domain bucket database db product company
    deal app application event job stream pipeline campaign plan stage type class method key
    tag brand project org organization account business bank branch server service device
    region city country state queue topic sheet folder dir path package module""".split()
)
SENSITIVE_WORDS = frozenset(
    """salary wage wages income compensation balance credit card cardnumber cvv cvc iban swift
    bic password passwd secret apikey taxid vat tin ein bank routing diagnosis medical""".split()
)
SENSITIVE_PAIRS = frozenset(
    {
        ("account", "number"),
        ("account", "no"),
        ("acct", "number"),
        ("acct", "no"),
        ("tax", "id"),
        ("tax", "number"),
        ("tax", "no"),
        ("access", "token"),
        ("refresh", "token"),
        ("auth", "token"),
        ("api", "key"),
        ("private", "key"),
    }
)
SENSITIVE_STEMS = ("salary", "balance", "password")
# Words a lower-case compound may be made of: `creditlimit` is split only because both are here.
VOCABULARY = (
    PII_WORDS
    | SENSITIVE_WORDS
    | THING_NAMES
    | {word for pair in PII_PAIRS | SENSITIVE_PAIRS for word in pair}
    | set("name first last full middle given family maiden display contact customer user home work".split())
    | set("of number limit score date time at id no code line".split())
)


def name_tokens(name: str) -> list[str]:
    """Split snake_case, kebab-case and camelCase names into lower-case words."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name)
    return [token.lower() for token in re.split(r"[^A-Za-z0-9]+", spaced) if token]


@cache
def split_compound(token: str) -> tuple[str, ...]:
    """`mobilephone` -> (mobile, phone); a token that is not made of known words stays whole."""
    if token in VOCABULARY:
        return (token,)
    for cut in range(2, len(token) - 1):
        head, rest = token[:cut], split_compound(token[cut:])
        if head in VOCABULARY and VOCABULARY.issuperset(rest):
            return (head, *rest)
    return (token,)


def name_words(name: str) -> list[str]:
    return [word for token in name_tokens(name) for word in split_compound(token)]


def _names_a_person(words: list[str]) -> bool:
    """A `name` word not preceded by the kind of thing it names."""
    return any(word == "name" and (at == 0 or words[at - 1] not in THING_NAMES) for at, word in enumerate(words))


def _matches(
    words: list[str], single: frozenset[str], pairs: frozenset[tuple[str, str]], stems: tuple[str, ...]
) -> bool:
    return (
        not single.isdisjoint(words)
        or not pairs.isdisjoint(itertools.pairwise(words))
        or any(stem in word for word in words for stem in stems)
    )


def suggest_classification(name: str) -> str:
    """PII, SENSITIVE or '' for a field name; PII wins because it carries the stricter duties."""
    words = name_words(name)
    if _matches(words, PII_WORDS, PII_PAIRS, PII_STEMS) or _names_a_person(words):
        return "PII"
    if _matches(words, SENSITIVE_WORDS, SENSITIVE_PAIRS, SENSITIVE_STEMS):
        return "SENSITIVE"
    return ""
