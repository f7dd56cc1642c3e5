"""The campaign languages and their writing direction."""

from __future__ import annotations

from enum import StrEnum


class Language(StrEnum):
    EN = "en"
    UR = "ur"
    PS = "ps"
    FA = "fa"  # Dari (Afghan Persian, fa-AF)

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def rtl(self) -> bool:
        return self is not Language.EN

    @property
    def direction(self) -> str:
        return "rtl" if self.rtl else "ltr"


_LABELS = {
    Language.EN: "English",
    Language.UR: "Urdu · اردو",
    Language.PS: "Pashto · پښتو",
    Language.FA: "Dari · دری",
}
