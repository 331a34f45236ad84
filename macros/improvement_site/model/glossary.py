"""The built-in glossary of children's services terms, merged with a site's own.

The site's entries win, so a council can say what *its* TFST or IFD stands for.
"""

from __future__ import annotations

import re

BUILT_IN: dict[str, str] = {
    "ASYE": "Assessed and Supported Year in Employment",
    "CAMHS": "Child and Adolescent Mental Health Services",
    "CCE": "Child Criminal Exploitation",
    "CiC": "Children in Care",
    "CLA": "Children Looked After",
    "LAC": "Looked After Children",
    "CIN": "Child in Need",
    "CiN": "Child in Need",
    "CP": "Child Protection",
    "CPP": "Child Protection Plan",
    "CSC": "Children's Social Care",
    "CSE": "Child Sexual Exploitation",
    "DCS": "Director of Children's Services",
    "DfE": "Department for Education",
    "DoT": "Direction of Travel",
    "DSL": "Designated Safeguarding Lead",
    "EDT": "Emergency Duty Team",
    "EET": "Education, Employment or Training",
    "EH": "Early Help",
    "EHCP": "Education, Health and Care Plan",
    "EHE": "Elective Home Education",
    "FGC": "Family Group Conference",
    "HMI": "His Majesty's Inspector",
    "ICPC": "Initial Child Protection Conference",
    "IFD": "Integrated Front Door",
    "ILACS": "Inspection of Local Authority Children's Services",
    "IRO": "Independent Reviewing Officer",
    "JTAI": "Joint Targeted Area Inspection",
    "KPI": "Key Performance Indicator",
    "LADO": "Local Authority Designated Officer",
    "MARAC": "Multi-Agency Risk Assessment Conference",
    "MASH": "Multi-Agency Safeguarding Hub",
    "NEET": "Not in Education, Employment or Training",
    "NFA": "No Further Action",
    "PA": "Personal Adviser",
    "PEP": "Personal Education Plan",
    "PLO": "Public Law Outline",
    "PSW": "Principal Social Worker",
    "RAG": "Red, Amber, Green",
    "RCPC": "Review Child Protection Conference",
    "RHI": "Return Home Interview",
    "S47": "Section 47 (child protection) enquiry",
    "SEND": "Special Educational Needs and Disabilities",
    "SGO": "Special Guardianship Order",
    "SLIP": "Sector-Led Improvement Partner",
    "TFST": "Targeted Family Support Team",
    "UASC": "Unaccompanied Asylum-Seeking Child",
    "YJS": "Youth Justice Service",
}


def merged_glossary(site_terms: dict[str, str]) -> dict[str, str]:
    """Built-in terms plus the site's, the site's winning; sorted for readers."""
    merged = {**BUILT_IN, **site_terms}
    return dict(sorted(merged.items(), key=lambda kv: kv[0].lower()))


def abbreviations_markdown(glossary: dict[str, str]) -> str:
    """The glossary as Markdown abbreviation definitions (`*[MASH]: ...`), for Material's
    `abbr` + `pymdownx.snippets` auto-append, so hand-written pages expand acronyms too."""
    lines = []
    for term, meaning in glossary.items():
        # ']' or a newline in a term or meaning would end the definition early.
        if re.search(r"[\]\n]", term) or "\n" in meaning:
            continue
        lines.append(f"*[{term}]: {meaning}")
    return "\n".join(lines) + "\n"
