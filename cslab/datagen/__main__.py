"""Entry point: ``python -m cslab.datagen --out DIR`` writes the shop data."""

from . import main

__all__: list[str] = []

if __name__ == "__main__":
    raise SystemExit(main())
