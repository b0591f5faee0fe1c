"""Print how long the data generator takes and how long each loader takes (cold and cached).

Run: python benchmarks/datagen_time.py   (budget: generation well under 20 s on 2 cores)
"""

import os
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    from cslab import datagen

    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        paths = datagen.generate(tmp)
        took = time.perf_counter() - start
        size = sum(p.stat().st_size for p in paths.values())
    print(f"generate (12 files)   : {took:6.2f} s   {size / 1e6:5.1f} MB")

    start = time.perf_counter()
    import pandas  # noqa: F401

    print(f"import pandas         : {time.perf_counter() - start:6.2f} s   (paid once, before the first load)")
    from cslab import datasets

    print(f"data folder           : {datasets.data_dir()}")
    print(f"{'loader':<22}{'rows':>8}{'cold s':>9}{'cached s':>10}")
    total = 0.0
    for name in datasets.FILES:
        loader = getattr(datasets, f"load_{name}")
        start = time.perf_counter()
        df = loader()
        cold = time.perf_counter() - start
        start = time.perf_counter()
        loader()
        cached = time.perf_counter() - start
        total += cold
        print(f"load_{name:<17}{len(df):>8}{cold:>9.3f}{cached:>10.3f}")
    print(f"{'all loaders (cold)':<30}{total:>9.3f}")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.pop("CSLAB_DATA_DIR", None)
    main()
