"""Every colour pair the charts use meets WCAG 2.2 AA: text at least 4.5:1 (1.4.3), bars and
other graphics that carry meaning at least 3:1 (1.4.11). Grid lines are lighter, so they must be
decoration: hidden from assistive technology, with every bar labelled with its figure (1.4.1,
colour is never the only cue).

axe cannot judge colours inside an SVG image (it asks for a manual check); this is that check,
for the report's charts (reports.rendering.bar_chart) and the live-scores dashboard's chart
(templates/scoring/dashboard.html, coloured by static/app.css).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from inspections.models import Membership
from reports.rendering import Bar, bar_chart, report_document, report_html
from reports.selectors import case_data_sha256
from scoring.selectors import inspection_scores

SVG = "{http://www.w3.org/2000/svg}"
WHITE = "#ffffff"
TEXT, GRAPHIC = 4.5, 3.0


def relative_luminance(colour: str) -> float:
    """WCAG 2.2's relative luminance of an sRGB colour written #rrggbb."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(first: str, second: str) -> float:
    """(L1 + 0.05) / (L2 + 0.05), L1 the lighter colour's relative luminance."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ("#000000", "#ffffff", 21.0),
        ("#ffffff", "#ffffff", 1.0),
        ("#767676", "#ffffff", 4.54),  # the lightest grey that passes for text on white
        ("#1d70b8", "#ffffff", 5.17),  # GOV.UK blue
        ("#505a5f", "#ffffff", 7.07),  # GOV.UK secondary text
        ("#b1b4b6", "#ffffff", 2.09),  # GOV.UK mid grey: too light for meaning
    ],
)
def test_the_contrast_ratio_is_wcags(first, second, expected):
    assert contrast_ratio(first, second) == pytest.approx(expected, abs=0.01)
    assert contrast_ratio(second, first) == contrast_ratio(first, second)


def _check_svg_chart(svg: str, figures: list[str]) -> None:
    """Text 4.5:1 and graphics 3:1 on the white page; lighter strokes only as hidden decoration;
    each figure a direct label; named and described for assistive technology."""
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and desc is not None
    assert root.get("aria-labelledby", "").split() == [title.get("id"), desc.get("id")]
    # No background of its own: everything is drawn on the white page.
    assert all(float(r.get("x", 0)) > 0 for r in root.iter(f"{SVG}rect"))

    decorative = {
        id(node)
        for group in root.iter(f"{SVG}g")
        if group.get("aria-hidden") == "true"
        for node in group.iter()
    }
    texts = list(root.iter(f"{SVG}text"))
    for text in texts:
        assert contrast_ratio(text.get("fill"), WHITE) >= TEXT, text.text
    for rect in root.iter(f"{SVG}rect"):
        assert contrast_ratio(rect.get("fill"), WHITE) >= GRAPHIC
    for line in root.iter(f"{SVG}line"):
        if contrast_ratio(line.get("stroke"), WHITE) < GRAPHIC:
            assert id(line) in decorative, "a light line must be decoration"
    labels = [t.text for t in texts]
    for figure in figures:
        assert figure in labels, f"{figure} is not labelled on its bar"
        assert figure in desc.text


def test_a_report_chart_meets_the_contrast_ratios_and_labels_every_bar():
    chart = bar_chart(
        title="Test chart",
        bars=[Bar("None", 0), Bar("Some", 45), Bar("All", 100), Bar("No base", None)],
        chart_id="chart-test",
    )
    _check_svg_chart(chart.svg, ["0%", "45%", "100%"])
    assert "No base: no figure" in chart.description


@pytest.mark.django_db
def test_the_demo_reports_charts_meet_the_contrast_ratios(demo):
    document = report_document(
        inspection=demo, scores=inspection_scores(demo), data_sha256=case_data_sha256(demo)
    )
    html = report_html(document)
    svgs = re.findall(r"<svg .*?</svg>", html, flags=re.DOTALL)
    assert len(svgs) == 3
    for svg, chart in zip(svgs, (document.scoring, document.rosh, document.mappa), strict=True):
        _check_svg_chart(svg, [f"{b.percent}%" for b in chart.bars if b.percent is not None])


def _css_colours() -> dict[str, str]:
    """The dashboard chart's classes and the colour each paints with (fill or stroke)."""
    css = (Path(settings.BASE_DIR) / "static" / "app.css").read_text(encoding="utf-8")
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
    colours = {}
    for selectors, body in re.findall(r"([^{}]+)\{([^}]*)\}", css):
        paint = re.search(r"\b(?:fill|stroke):\s*(#[0-9a-fA-F]{6})", body)
        for selector in selectors.split(","):
            name = selector.strip()
            if name.startswith(".app-chart__") and paint:
                colours[name[len(".app-chart__") :]] = paint.group(1).lower()
    return colours


def test_the_dashboard_charts_colours_meet_the_contrast_ratios():
    colours = _css_colours()
    for text in ("tick", "label", "value"):
        assert contrast_ratio(colours[text], WHITE) >= TEXT, text
    assert contrast_ratio(colours["bar"], WHITE) >= GRAPHIC
    # The interval line crosses the bar and the white beyond it: it stands out from both.
    assert contrast_ratio(colours["ci"], colours["bar"]) >= GRAPHIC
    assert contrast_ratio(colours["ci"], WHITE) >= GRAPHIC
    assert contrast_ratio(colours["grid"], WHITE) < GRAPHIC  # hence decoration, below


@pytest.mark.django_db
def test_the_dashboard_chart_hides_its_grid_and_labels_every_bar(client, demo):
    lead = Membership.objects.get(inspection=demo, role=Membership.Role.LEAD).user
    client.force_login(lead)
    page = client.get(reverse("scores-dashboard", args=[demo.slug])).content.decode()
    svg = re.search(r"<svg .*?</svg>", page, flags=re.DOTALL).group(0)
    root = ET.fromstring(svg)
    hidden = [g for g in root.iter(f"{SVG}g") if g.get("aria-hidden") == "true"]
    grid = [line for line in root.iter(f"{SVG}line") if line.get("class") == "app-chart__grid"]
    assert len(grid) == 5
    assert all(any(line in list(g.iter()) for g in hidden) for line in grid)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "chart-title chart-desc"
    values = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "app-chart__value"]
    assert values == ["45%", "59%", "30%", "39%"]
    desc = root.find(f"{SVG}desc").text
    names = ("C1 Assessment", "C2 Planning", "C3 Implementation and delivery", "C4 Reviewing")
    for name, value in zip(names, values, strict=True):
        assert f"{name}: {value}" in desc
    labels = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "app-chart__label"]
    assert labels == list(names)  # each bar named in words
