"""The canvas's API types (frontend/src/generated/api.d.ts) are made from today's OpenAPI schema.

frontend/scripts/gen-api-types.mjs writes the SHA-256 of the schema it read into the file's header;
this test builds the schema the way that script does (``manage.py spectacular``) and compares.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from django.core.management import call_command

GENERATED = Path(__file__).resolve().parents[2] / "frontend" / "src" / "generated" / "api.d.ts"


def test_it_has_generated_the_api_types_from_the_current_schema(tmp_path: Path) -> None:
    schema = tmp_path / "schema.yml"
    call_command("spectacular", "--file", str(schema))
    digest = hashlib.sha256(schema.read_bytes()).hexdigest()
    found = re.search(r"^// schema sha256: ([0-9a-f]{64})$", GENERATED.read_text(encoding="utf-8"), re.MULTILINE)
    assert found, f"{GENERATED} has no schema digest: regenerate it with `cd frontend && npm run gen:api`"
    assert found.group(1) == digest, (
        "The API changed since frontend/src/generated/api.d.ts was generated: run `make frontend` "
        "(or `cd frontend && npm run gen:api`), check `npm run typecheck` and commit the file"
    )
