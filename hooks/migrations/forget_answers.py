"""Before an update: drop recorded answers so that Copier computes them again from the new answers.

copier.yml's first migration passes the answers that were left at a default derived from
answers that change now (extensions/dativo_gen/follow.py decides which); Copier reads
the answers file again after `before` migrations, so those questions take their new
default (or offer it, without --defaults).

Usage: forget_answers.py ANSWERS_FILE KEYS (comma-separated question keys)
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from answers_io import read_answers, write_answers


def main(argv: list[str]) -> int:
    answers_file, keys = Path(argv[0]), [key for key in argv[1].split(",") if key]
    if not keys or not answers_file.is_file():
        return 0
    answers = read_answers(answers_file)
    write_answers(answers_file, {key: value for key, value in answers.items() if key not in keys})
    print(f"dativo-gen: answers left at their default, computed again: {', '.join(keys)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
