"""What the tagged PDF (PDF/UA-1) needs beyond WeasyPrint's own HTML-to-tags mapping.

WeasyPrint, asked for ``pdf_variant="pdf/ua-1"``, writes the structure tree from the HTML
(headings, paragraphs, lists, tables with /Headers and /IDs, an SVG as a /Figure whose /Alt is the
SVG's <title>), the document language and title, bookmarks from the headings, and marks borders
and backgrounds as artifacts. Four things it leaves undone are finished here, on its pydyf
objects just before the file is written (WeasyPrint's documented ``finisher`` hook), so the build
needs no second PDF library at run time:

- **A chart's figures in its alternative text.** /Alt becomes the SVG's <title> and <desc>: the
  title alone ("MAPPA eligibility and level of inspected cases") names no figure.
- **Header scope.** Data cells point at their headers (/Headers, /IDs: enough for PDF/UA-1 7.5),
  but header cells carry no /Scope, which some readers follow instead. Column headers (in THead)
  get /Column, row headers /Row; a header alone in its row heads the rows under it in the same
  body (a group such as "Staffing level"), so their data cells name it in /Headers too.
- **A figure's bounding box in PDF units.** WeasyPrint writes a Figure's /BBox in CSS pixels
  from the top of the page; PDF wants points from the bottom (x 0.75, y flipped), or a reader
  that zooms to the figure would look in the wrong place.
- **Running page content is an artifact.** WeasyPrint tags the page-margin text (page number,
  manifest line) with structure elements left outside the tree, since PDF 1.7 has no artifact
  element in the tree; readers would meet orphaned tags. Their marked content is re-marked as
  ``/Artifact`` of type /Pagination, and the parent tree no longer points at them.

The tests read the result back with pikepdf and the pdfua checker
(reports/tests/test_pdf_accessibility.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

SVG = "{http://www.w3.org/2000/svg}"


def chart_alternatives(root: Any) -> dict[str, str]:
    """Each inline SVG's <title> mapped to its full text alternative: title, then <desc>."""
    alternatives: dict[str, str] = {}
    for svg in root.iter(f"{SVG}svg"):
        title = svg.find(f"{SVG}title")
        desc = svg.find(f"{SVG}desc")
        if title is None or not title.text:
            continue
        text = " ".join(title.text.split())
        if desc is not None and desc.text:
            text = f"{text}. {' '.join(desc.text.split())}"
        alternatives[" ".join(title.text.split())] = text
    return alternatives


class _Objects:
    """The pydyf PDF's objects, reached through the references WeasyPrint stores (b"12 0 R")."""

    def __init__(self, pdf: Any) -> None:
        self.pdf = pdf

    def get(self, reference: Any) -> Any:
        if isinstance(reference, bytes | str):
            text = reference.decode() if isinstance(reference, bytes) else reference
            parts = text.split()
            if len(parts) == 3 and parts[2] == "R" and parts[0].isdigit():
                return self.pdf.objects[int(parts[0])]
        return reference

    def kids(self, element: Any) -> Iterator[Any]:
        """The structure elements directly under an element (not its marked-content ids)."""
        for kid in element.get("K", []):
            obj = self.get(kid)
            if isinstance(obj, dict) and obj.get("Type") == "/StructElem":
                yield obj


def _walk(objects: _Objects, element: Any) -> Iterator[Any]:
    yield element
    for kid in objects.kids(element):
        yield from _walk(objects, kid)


def _string(value: Any) -> str:
    return str(getattr(value, "string", value))


def _role(element: Any) -> str:
    return str(element.get("S", ""))


def _describe_figures(elements: list[Any], alternatives: dict[str, str]) -> None:
    import pydyf

    for element in elements:
        if _role(element) == "/Figure" and "Alt" in element:
            title = " ".join(_string(element["Alt"]).split())
            if title in alternatives:
                element["Alt"] = pydyf.String(alternatives[title])


# CSS pixels to PDF points (96 px and 72 pt to the inch), at WeasyPrint's default zoom of 1.
PX_TO_PT = 0.75


def _figure_boxes_in_points(objects: _Objects, elements: list[Any]) -> None:
    import pydyf

    for element in elements:
        box = element.get("A", {}).get("BBox") if _role(element) == "/Figure" else None
        if box is None or len(box) != 4:
            continue
        height = float(objects.get(element["Pg"])["MediaBox"][3])
        x1, y1, x2, y2 = (float(v) for v in box)
        element["A"]["BBox"] = pydyf.Array(
            (
                round(x1 * PX_TO_PT, 3),
                round(height - y2 * PX_TO_PT, 3),
                round(x2 * PX_TO_PT, 3),
                round(height - y1 * PX_TO_PT, 3),
            )
        )


def _scope_headers(objects: _Objects, elements: list[Any]) -> None:
    import pydyf

    for body in elements:
        if _role(body) not in ("/THead", "/TBody", "/TFoot", "/Table"):
            continue
        group_ids: list[Any] = []
        for row in objects.kids(body):
            if _role(row) != "/TR":
                continue
            cells = list(objects.kids(row))
            headers = [c for c in cells if _role(c) == "/TH"]
            data = [c for c in cells if _role(c) == "/TD"]
            for header in headers:
                attributes = header.setdefault("A", pydyf.Dictionary({"O": "/Table"}))
                attributes["Scope"] = "/Column" if _role(body) == "/THead" else "/Row"
            if _role(body) != "/THead" and headers and not data:
                # A row of headers alone inside a body: it heads the rows that follow.
                group_ids = [h["ID"] for h in headers if "ID" in h]
                continue
            for cell in data:
                attributes = cell.setdefault("A", pydyf.Dictionary({"O": "/Table"}))
                existing = list(attributes.get("Headers", []))
                extra = [i for i in group_ids if i not in existing]
                if extra:
                    attributes["Headers"] = pydyf.Array(existing + extra)


def _artifact_orphans(objects: _Objects, reachable: set[int]) -> None:
    """Re-mark the marked content of structure elements outside the tree as /Pagination."""
    import pydyf

    pdf = objects.pdf
    root = objects.get(pdf.catalog["StructTreeRoot"])
    parent_tree = objects.get(root["ParentTree"])
    nums = parent_tree["Nums"]
    page_refs = pdf.page_references
    for index in range(0, len(nums), 2):
        key, value = nums[index], objects.get(nums[index + 1])
        if not isinstance(value, list) or not isinstance(key, int) or key >= len(page_refs):
            continue  # an annotation's entry, not a page's
        orphan_mcids = set()
        for mcid, reference in enumerate(value):
            element = objects.get(reference)
            if isinstance(element, dict) and getattr(element, "number", None) not in reachable:
                orphan_mcids.add(mcid)
                value[mcid] = "null"
        if not orphan_mcids:
            continue
        page = objects.get(page_refs[key])
        contents = objects.get(page["Contents"])
        ops = contents.stream
        for i in range(len(ops) - 2):
            properties = ops[i + 1]
            if (
                isinstance(properties, dict)
                and properties.get("MCID") in orphan_mcids
                and ops[i + 2] == b"BDC"
            ):
                ops[i] = "/Artifact"
                ops[i + 1] = pydyf.Dictionary({"Type": "/Pagination"})


def finish_tags(pdf: Any, alternatives: dict[str, str]) -> None:
    """Apply the finishing touches to a tagged pydyf PDF (see the module's docstring)."""
    objects = _Objects(pdf)
    if "StructTreeRoot" not in pdf.catalog:
        return
    root = objects.get(pdf.catalog["StructTreeRoot"])
    elements = [e for top in objects.kids(root) for e in _walk(objects, top)]
    _describe_figures(elements, alternatives)
    _figure_boxes_in_points(objects, elements)
    _scope_headers(objects, elements)
    _artifact_orphans(objects, {e.number for e in elements})
