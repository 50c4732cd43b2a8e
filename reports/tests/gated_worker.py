"""A Celery worker for the tests whose PDF step waits for the test to let it go.

`python -m reports.tests.gated_worker worker ...` starts the project's worker with one change
in each pool process: before the PDF is rendered, the file REPORT_TEST_PDF_STARTED is created,
then the step waits until REPORT_TEST_PDF_RELEASE exists. A test that must stop a worker in
the middle of writing the PDF waits for the first file and so never misses its moment, however
quick the rendering is.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

from celery.signals import worker_process_init

from config.celery import app


@worker_process_init.connect
def _gate_the_pdf_step(**_: Any) -> None:
    import reports.rendering as rendering

    started = Path(os.environ["REPORT_TEST_PDF_STARTED"])
    release = Path(os.environ["REPORT_TEST_PDF_RELEASE"])
    render = rendering.html_to_pdf

    def gated(*args: Any, **kwargs: Any) -> Any:
        started.touch()
        while not release.exists():
            time.sleep(0.05)
        return render(*args, **kwargs)

    rendering.html_to_pdf = gated


if __name__ == "__main__":
    app.worker_main(sys.argv[1:])
