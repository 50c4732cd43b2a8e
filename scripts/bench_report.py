"""Benchmark: the build time of the South West demo report, HTML and PDF separately.

Needs PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/dipp_bench; the
database is created and migrated if needed). Loads the demo once (`load_demo`, idempotent), then
runs the build's two stages --repeat times in this process, as the Celery task does:
  - HTML: the scores (scoring.selectors.inspection_scores), the case-data hash, every data
    reference filled, Markdown rendered and sanitised, tables and SVG charts, the template;
  - PDF: the build's tagged PDF/UA-1 (reports.rendering.html_to_pdf: WeasyPrint's pdf/ua-1
    variant and reports.tagging's finishing touches), and, interleaved in the same runs for
    comparison, WeasyPrint alone (untagged, as before) and the pdf/ua-1 variant without the
    finishing touches.
Prints, for each stage, the median and the fastest run, the query count of the HTML stage, the
size of the files, and the tagged PDF's cost against WeasyPrint alone (target: at most 1.3x).
Nothing is written to the database or to MEDIA_ROOT.

    .venv/bin/python scripts/bench_report.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from benchlib import django_ready


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    django_ready("dipp_bench")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from demo.loader import demo_load
    from reports.rendering import html_to_pdf, report_document, report_html
    from reports.selectors import case_data_sha256
    from scoring.selectors import inspection_scores

    inspection = demo_load().inspection

    def html_stage() -> str:
        document = report_document(
            inspection=inspection,
            scores=inspection_scores(inspection),
            data_sha256=case_data_sha256(inspection),
        )
        assert not document.problems, document.problems
        return report_html(document)

    from weasyprint import HTML

    def plain_pdf(source: str) -> bytes:
        pdf: bytes = HTML(string=source, base_url=None).write_pdf()
        return pdf

    def variant_pdf(source: str) -> bytes:
        pdf: bytes = HTML(string=source, base_url=None).write_pdf(pdf_variant="pdf/ua-1")
        return pdf

    # One untimed run of each: imports, template loading and font discovery happen once per
    # worker process, not once per build.
    source = html_stage()
    pdf = html_to_pdf(source)
    plain, variant = plain_pdf(source), variant_pdf(source)

    html_times: list[float] = []
    pdf_times: dict[str, list[float]] = {"tagged": [], "plain": [], "variant": []}
    # CPU time too: the layout is single-threaded Python, so its CPU time hardly moves when other
    # work shares the machine, while wall-clock time does.
    pdf_cpu: dict[str, list[float]] = {"tagged": [], "plain": [], "variant": []}
    renderers = {"tagged": html_to_pdf, "plain": plain_pdf, "variant": variant_pdf}
    for run in range(args.repeat):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            source = html_stage()
        html_times.append(time.perf_counter() - started)
        # Interleaved, in a rotating order, so that a busy moment of the machine does not fall
        # on one kind of PDF only.
        kinds = list(renderers)
        for kind in kinds[run % 3 :] + kinds[: run % 3]:
            started, cpu = time.perf_counter(), time.process_time()
            result = renderers[kind](source)
            pdf_times[kind].append(time.perf_counter() - started)
            pdf_cpu[kind].append(time.process_time() - cpu)
            if kind == "tagged":
                pdf = result

    import io

    from pypdf import PdfReader

    def ms(values: list[float]) -> str:
        return (
            f"median {statistics.median(values) * 1000:.0f} ms, fastest {min(values) * 1000:.0f} ms"
        )

    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    cases = inspection.cases.count()
    print(f"South West demo report: {cases} cases, {pages} PDF pages, {args.repeat} runs")
    print(
        f"HTML: {ms(html_times)}, {len(queries)} queries, "
        f"{len(source.encode('utf-8')) / 1024:.0f} KiB"
    )
    print(f"PDF, tagged PDF/UA-1 (the build): {ms(pdf_times['tagged'])}, {len(pdf) / 1024:.0f} KiB")
    print(
        f"PDF, WeasyPrint alone (untagged): {ms(pdf_times['plain'])}, {len(plain) / 1024:.0f} KiB"
    )
    print(
        f"PDF, pdf/ua-1 variant, unfinished: {ms(pdf_times['variant'])}, "
        f"{len(variant) / 1024:.0f} KiB"
    )

    def ratio(times: dict[str, list[float]], pick: Callable[[list[float]], float]) -> float:
        return pick(times["tagged"]) / pick(times["plain"])

    cpu_ms = {
        kind: f"{statistics.median(values) * 1000:.0f} ms" for kind, values in pdf_cpu.items()
    }
    print(
        f"PDF CPU time, medians: tagged {cpu_ms['tagged']}, WeasyPrint alone {cpu_ms['plain']}, "
        f"variant unfinished {cpu_ms['variant']}"
    )
    print(
        "Tagged PDF / WeasyPrint alone (target <= 1.3x): "
        f"CPU medians {ratio(pdf_cpu, statistics.median):.2f}x, "
        f"wall medians {ratio(pdf_times, statistics.median):.2f}x, "
        f"wall fastest {ratio(pdf_times, min):.2f}x"
    )
    print(
        f"Whole build (HTML + tagged PDF, medians): "
        f"{(statistics.median(html_times) + statistics.median(pdf_times['tagged'])):.2f} s"
    )


if __name__ == "__main__":
    main()
