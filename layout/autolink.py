"""Bare web addresses and e-mail addresses in body text → links.

Editors paste addresses into running Chinese text without spaces: ``详见https://…/t.html。``,
``联系邮箱：carbon@cesi.cn，``. An address is a run of the characters RFC 3986 allows
(ASCII only), so it ends at the first Han character, full-width mark or space, and a
trailing ASCII ``. , ; : ! ?`` or an unbalanced ``)`` is left out of it (sentence
punctuation, not part of the address). Recognised: ``http://``, ``https://``, ``ftp://``,
``www.`` (linked as ``http://www.…``) and ``name@host.tld`` (linked as ``mailto:``). A bare
domain without ``www.`` (``example.com``) is left as text: it cannot be told from a file
name such as ``report.pdf``.

Why not markdown-it's ``linkify`` with linkify-it-py: it looks for word boundaries with
``\\p{L}``, and Han characters are letters, so an address glued to Chinese text is either
not found (``详见https://…``) or swallows the text around it (``访问www.cesi.cn/x了解``
became the host ``xn--www-…`` and ``，敬请关注`` part of the path). Fixing that means
replacing its patterns, which is all it is.
"""

from __future__ import annotations

import re

_URL_CHARS = r"[!#$%&'*+,\-./0-9:;=?@A-Z_a-z~()]"
_ADDRESS = re.compile(
    r"(?P<url>(?:https?://|ftp://|(?<![A-Za-z0-9.\-])www\.)" + _URL_CHARS + "+)"
    r"|(?P<email>(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,})"
)
_TRAILING = ".,;:!?'"


def find_addresses(text: str) -> list[tuple[int, int, str]]:
    """(start, end, href) of every bare address in ``text``."""
    found = []
    for match in _ADDRESS.finditer(text):
        start, end = match.span()
        if match.group("email"):
            while text[end - 1] == ".":
                end -= 1
            found.append((start, end, "mailto:" + text[start:end]))
            continue
        while end > start:
            last = text[end - 1]
            if last in _TRAILING or (last == ")" and text.count("(", start, end) < text.count(")", start, end)):
                end -= 1
            else:
                break
        address = text[start:end]
        if address.endswith(("//", "www.")) or "." not in address.split("//", 1)[-1]:
            continue  # a scheme alone is not an address
        found.append((start, end, "http://" + address if address.startswith("www.") else address))
    return found
