"""Signed consent forms for the demo workspace, uploaded by its admin as a real admin would.

Every demo message that features a person names its consent form ("Consent form CF-2026-024, signed
…"). Without the forms on file, the review page said "Signed consent form on file with the admin: no"
beside a message that says the admin keeps it, which left a newcomer wondering what was wrong. So the
admin uploads one form per reference through the same service, except CF-2026-042: that message (a
draft) says the form is still with the drafter, so a newcomer also sees what a missing form looks like.

The forms are one-page PDFs that say plainly they are samples: no real person signed anything.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from planner import consent
from planner.models import ConsentDocument

# (reference, who it is about, as the admin labels it): the forms the demo messages cite, all but
# CF-2026-042, which its message says is still with the drafter.
FORMS = (
    ("CF-2026-011", "journalist, pen name"),
    ("CF-2026-021", "polio worker, voice only"),
    ("CF-2026-022", "religious scholar"),
    ("CF-2026-024", "young adult living with polio"),
    ("CF-2026-031", "victim's family, Lahore"),
    ("CF-2026-032", "victim's family, Kabul"),
    ("CF-2026-033", "youth dialogue alumni (Pakistan)"),
    ("CF-2026-034", "youth dialogue alumni (Afghanistan)"),
    ("CF-2026-035", "poet"),
    ("CF-2026-041", "truck driver, voice and hands only"),
)


def seed_consent_forms(session: Session, *, admin, now: datetime) -> None:
    """Upload the sample forms not yet on file."""
    on_file = set(session.exec(select(ConsentDocument.reference).where(ConsentDocument.team_id == admin.team_id)))
    for reference, label in FORMS:
        if reference not in on_file:
            consent.upload_document(
                session, actor=admin, now=now, data=sample_form(reference), reference=reference, person_label=label
            )


def sample_form(reference: str) -> bytes:
    """A one-page PDF standing in for a signed form: it says it is a sample, and names its reference."""
    lines = (
        "SAMPLE - demo workspace of the campaign planner",
        f"Consent form {reference}",
        "No real person signed this page. In a real team, the admin uploads",
        "the scan or photo of the form the person signed, and the planner",
        "tells drafters and reviewers only that it is on file.",
    )
    text = "BT /F1 14 Tf 72 760 Td 20 TL " + " ".join(f"({_pdf_string(line)}) '" for line in lines) + " ET"
    stream = text.encode("ascii")
    objects = (
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    )
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _pdf_string(line: str) -> str:
    return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
