"""Benchmark: the build time of the South West demo report, HTML and PDF separately.

Needs PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/dipp_bench; the
database is created and migrated if needed). Loads the demo once (`load_demo`, idempotent), then
runs the build's two stages --repeat times in this process, as the Celery task does:
  - HTML: the scores (scoring.selectors.inspection_scores), the case-data hash, every data
    reference filled, Markdown rendered and sanitised, tables and SVG charts, the template;
  - PDF: WeasyPrint laying out that HTML.
Prints, for each stage, the median and the fastest run, the query count of the HTML stage, and
the size of the files. Nothing is written to the database or to MEDIA_ROOT.

    .venv/bin/python scripts/bench_report.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import time

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

    # One untimed run of each: imports, template loading and font discovery happen once per
    # worker process, not once per build.
    source = html_stage()
    pdf = html_to_pdf(source)

    html_times, pdf_times = [], []
    for _ in range(args.repeat):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            source = html_stage()
        html_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        pdf = html_to_pdf(source)
        pdf_times.append(time.perf_counter() - started)

    import io

    from pypdf import PdfReader

    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    cases = inspection.cases.count()
    print(f"South West demo report: {cases} cases, {pages} PDF pages, {args.repeat} runs")
    print(
        f"HTML: median {statistics.median(html_times) * 1000:.0f} ms, "
        f"fastest {min(html_times) * 1000:.0f} ms, {len(queries)} queries, "
        f"{len(source.encode('utf-8')) / 1024:.0f} KiB"
    )
    print(
        f"PDF:  median {statistics.median(pdf_times) * 1000:.0f} ms, "
        f"fastest {min(pdf_times) * 1000:.0f} ms, {len(pdf) / 1024:.0f} KiB"
    )
    print(
        f"Whole build (HTML + PDF, medians): "
        f"{(statistics.median(html_times) + statistics.median(pdf_times)):.2f} s"
    )


if __name__ == "__main__":
    main()
