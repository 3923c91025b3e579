"""A function deployed without its numpy layer (``NumpyLayer=false``): the row routes say so."""

from __future__ import annotations

import json
import subprocess
import sys


def test_the_row_routes_answer_501_without_numpy() -> None:
    code = (
        "import importlib.util, json, sys\n"
        "_real = importlib.util.find_spec\n"
        "importlib.util.find_spec = lambda name, *a: None if name == 'numpy' else _real(name, *a)\n"
        "from snowleap.serving import RequestError\n"
        "from snowleap.serving.rows import require_batch_math\n"
        "try:\n"
        "    require_batch_math('POST /transform')\n"
        "except RequestError as exc:\n"
        "    print(json.dumps({'status': exc.status, 'message': exc.message,\n"
        "                      'numpy': 'numpy' in sys.modules}))\n"
    )
    # WHEN the row routes' check runs where numpy cannot be found
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    answer = json.loads(completed.stdout)
    # THEN it is a 501 naming the route and the template parameter, and numpy was not imported
    assert answer["status"] == 501
    assert "POST /transform needs numpy" in answer["message"]
    assert "NumpyLayer=true" in answer["message"]
    assert answer["numpy"] is False
