"""Tests of cslab.datasets: typed frames, copies not shared state, found from anywhere, clear errors."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from cslab import datasets
from cslab.datagen import FILES as GENERATED
from cslab.datagen import (agents, attendance, chat_messages, chats, customers, logistics, orders, products,
                           reviews, tickets)
from cslab.errors import DataError

DATA = Path(__file__).resolve().parent.parent / "data"
LOADERS = {name: getattr(datasets, f"load_{name}") for name in datasets.FILES}


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    """A private copy of data/ that CSLAB_DATA_DIR points at."""
    folder = tmp_path / "data"
    folder.mkdir()
    for file in datasets.FILES.values():
        shutil.copy(DATA / file, folder / file)
    monkeypatch.setenv(datasets.ENV_VAR, str(folder))
    return folder


def test_schemas_match_the_generator_headers():
    """The loaders expect exactly the columns, in order, that the generator writes."""
    headers = {
        "products": products.HEADER, "size_charts": products.SIZE_HEADER, "customers": customers.HEADER,
        "orders": orders.HEADER, "shipments": logistics.SHIPMENT_HEADER, "logistics": logistics.HEADER,
        "chats": chats.HEADER, "chat_messages": chat_messages.HEADER, "tickets": tickets.HEADER,
        "reviews": reviews.HEADER, "agents": agents.HEADER, "attendance": attendance.HEADER,
    }
    assert set(datasets.FILES) == set(GENERATED) == set(headers)
    for name, header in headers.items():
        assert list(datasets.SCHEMAS[name]) == header, name
    assert datasets.SCHEMAS["orders"]["status"] == orders.STATUSES
    assert datasets.SCHEMAS["tickets"]["status"] == tickets.STATUSES
    assert datasets.SCHEMAS["attendance"]["status"] == attendance.STATUSES


@pytest.mark.parametrize("name", sorted(datasets.FILES))
def test_every_loader_returns_typed_columns(name):
    """Columns get their declared types: datetimes, categories, bools, ints, floats, strings."""
    df = LOADERS[name]()
    assert list(df.columns) == list(datasets.SCHEMAS[name])
    assert len(df) > 0
    for col, kind in datasets.SCHEMAS[name].items():
        s = df[col]
        if kind in ("dt", "date"):
            assert pd.api.types.is_datetime64_any_dtype(s), col
        elif kind == "bool":
            assert s.dtype == bool, col
        elif kind == "int":
            assert s.dtype == "int64", col
        elif kind == "Int64":
            assert s.dtype == "Int64", col
        elif kind == "float":
            assert s.dtype == "float64", col
        elif kind == "str":
            assert pd.api.types.is_string_dtype(s) or s.dtype == object, col
        else:
            assert isinstance(s.dtype, pd.CategoricalDtype), col


def test_useful_types_for_lessons():
    """Member levels compare in order; missing values stay missing; ids stay text."""
    cust = datasets.load_customers()
    assert (cust["member_level"] >= "金卡会员").sum() > 0
    assert cust["birthday"].isna().any()
    orders_df = datasets.load_orders()
    assert orders_df["order_id"].str.startswith("D").all()
    assert orders_df.loc[orders_df["status"] == "待付款", "paid_at"].isna().all()
    chats_df = datasets.load_chats()
    assert chats_df["first_response_seconds"].isna().any() and chats_df["first_response_seconds"].max() > 0
    assert datasets.load_products()["price"].dtype == "float64"


def test_each_call_returns_an_independent_copy():
    """Changing a loaded frame never changes what the next call returns."""
    first = datasets.load_products()
    first.loc[0, "price"] = -1.0
    del first["name"]
    again = datasets.load_products()
    assert again.loc[0, "price"] > 0 and "name" in again.columns
    assert datasets.load_products() is not datasets.load_products()


def test_files_are_read_once_per_process():
    """A second load comes from the cache."""
    datasets.load_agents()
    hits = datasets._read.cache_info().hits
    datasets.load_agents()
    assert datasets._read.cache_info().hits == hits + 1


def test_loaders_work_from_another_folder(tmp_path, monkeypatch):
    """The data is found from the package, whatever the current folder (nbgrader copies notebooks)."""
    monkeypatch.delenv(datasets.ENV_VAR, raising=False)
    (tmp_path / "data").mkdir()  # a decoy: a data/ folder next to the notebook must not be used
    monkeypatch.chdir(tmp_path)
    datasets._read.cache_clear()
    assert datasets.data_dir() == DATA
    assert len(datasets.load_customers()) >= 3000


def test_data_dir_prefers_env_then_bundled_copy(tmp_path, monkeypatch):
    """CSLAB_DATA_DIR wins; else the wheel's cslab/_data; else the repo's data/."""
    monkeypatch.setenv(datasets.ENV_VAR, str(tmp_path))
    assert datasets.data_dir() == tmp_path.resolve()
    monkeypatch.delenv(datasets.ENV_VAR)
    assert datasets.data_dir() == DATA
    fake = tmp_path / "site" / "cslab"
    (fake / "_data").mkdir(parents=True)
    monkeypatch.setattr(datasets, "__file__", str(fake / "datasets.py"))
    assert datasets.data_dir() == fake / "_data"


def test_missing_file_names_it_and_the_fix(data_copy):
    """A missing file gives DataError naming the file and the regenerate command."""
    (data_copy / "reviews.csv").unlink()
    with pytest.raises(DataError) as err:
        datasets.load_reviews()
    assert "reviews.csv" in str(err.value) and "python -m cslab.datagen" in str(err.value)
    assert len(datasets.load_agents()) > 0  # the other files still load


@pytest.mark.parametrize(
    "damage",
    [
        b"\x00\xff\xfe garbage \x81\x82",
        "sku,名字\nSP0001,x\n".encode("utf-8-sig"),
        b"",
    ],
    ids=["binary", "wrong-columns", "empty"],
)
def test_corrupt_file_names_it_and_the_fix(data_copy, damage):
    """A damaged file gives DataError naming the file and the regenerate command."""
    (data_copy / "products.csv").write_bytes(damage)
    with pytest.raises(DataError) as err:
        datasets.load_products()
    assert "products.csv" in str(err.value) and "python -m cslab.datagen" in str(err.value)


def test_bad_values_are_reported_not_silently_dropped(data_copy):
    """An unknown status or an unreadable time is a DataError, not a quiet NaN."""
    path = data_copy / "orders.csv"
    text = path.read_text(encoding="utf-8-sig")
    path.write_text(text.replace("已签收", "已完成", 1), encoding="utf-8-sig")
    with pytest.raises(DataError, match="orders.csv"):
        datasets.load_orders()
    path = data_copy / "chats.csv"
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    lines[1] = lines[1].replace("2025-", "2025/", 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    with pytest.raises(DataError, match="chats.csv"):
        datasets.load_chats()


def test_regenerated_file_is_reread(data_copy):
    """Replacing a file on disk is noticed (the cache is keyed by the file's version)."""
    before = len(datasets.load_agents())
    path = data_copy / "agents.csv"
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    path.write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8-sig")
    assert len(datasets.load_agents()) == before - 1


def test_unknown_name():
    """load() with a name that does not exist says which names do."""
    with pytest.raises(DataError, match="orders"):
        datasets.load("order")
