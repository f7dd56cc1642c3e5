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
        """English name and native name, for pickers: 'Urdu · اردو'."""
        return _LABELS[self]

    @property
    def english(self) -> str:
        """English name only, for running text where mixed scripts would jumble: 'Urdu'."""
        return _LABELS[self].split(" · ")[0]

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
