"""chdb serves one process per data folder; a second one is told what to do instead."""

import subprocess
import sys

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("warehouse", ["chdb"], indirect=True)
def test_a_second_process_on_the_same_folder_gets_an_actionable_error(warehouse, settings):
    script = (  # the other process is a Django one (runserver, manage.py, a Spark job): its apps are loaded
        "import django\ndjango.setup()\n"
        "from analytics.warehouse import WarehouseBusy, _embedded_session\n"
        f"try:\n    _embedded_session({str(settings.CHDB_PATH)!r})\n"
        "except WarehouseBusy as error:\n    print(error)\n    raise SystemExit(3)\n"
    )

    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)

    assert done.returncode == 3, done.stderr[-2000:]
    assert "is open in another process" in done.stdout
    assert "Run the sync chain now" in done.stdout and "CLICKHOUSE_URL" in done.stdout
