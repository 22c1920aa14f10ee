"""Decoding text files whose encoding nobody states: Swedish public data
comes as UTF-8 (with or without BOM), ISO-8859-1 or Windows-1252."""

import re

from charset_normalizer import from_bytes

from samverkan.core.i18n import remembered as _  # messages kept in reports are shown in the reader's language
from samverkan.datasources.importers import UnreadableFile

# "Ã¥", "Ã¤", "Ã¶": UTF-8 bytes of å, ä, ö read as Latin-1 and saved again.
_DOUBLE_ENCODED = re.compile("Ã[\u0080-\u00bf]")


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding name). Raises UnreadableFile for binary or garbled input."""
    if not data.strip():
        raise UnreadableFile(_("The file is empty."))
    if data.startswith(b"\xef\xbb\xbf"):
        return _checked(data[3:].decode("utf-8", errors="replace"), "UTF-8 (BOM)")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _checked(data.decode("utf-16", errors="replace"), "UTF-16")
    if b"\x00" in data:
        raise UnreadableFile(_("The file is not a text file (it contains binary data)."))
    try:
        return _checked(data.decode("utf-8"), "UTF-8")
    except UnicodeDecodeError:
        pass
    # Not UTF-8: Windows-1252 is a superset of ISO-8859-1 for printable text.
    # charset-normalizer confirms that the bytes are text at all.
    if from_bytes(data).best() is None:
        raise UnreadableFile(_("The file's character encoding could not be determined."))
    try:
        return _checked(data.decode("cp1252"), "ISO-8859-1/Windows-1252")
    except UnicodeDecodeError:
        return _checked(data.decode("iso-8859-1"), "ISO-8859-1")


def _checked(text: str, encoding: str) -> tuple[str, str]:
    if _DOUBLE_ENCODED.search(text):
        raise UnreadableFile(
            _(
                "The file's characters have been converted twice (for example 'Ã¥' instead of 'å'). "
                "Export it again from the source."
            )
        )
    damaged = "\ufffd" in text or any(
        (ord(c) < 32 and c not in "\r\n\t") or 0x7F <= ord(c) < 0xA0 for c in text
    )
    if damaged:
        raise UnreadableFile(
            _("The file has damaged characters and cannot be read reliably (read as %(encoding)s).")
            % {"encoding": encoding}
        )
    return text, encoding
