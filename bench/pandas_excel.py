"""Benchmark peer of `payband ingest` on an XLSX: what a pandas user
writes to read a DOL disclosure workbook (pandas.read_excel with
openpyxl), then the same cleaning the ingest does at its simplest: drop
rows without a title or wage, and annualize the offered wage by its unit."""
import sys

import pandas as pd

PER_YEAR = {"Year": 1, "Hour": 2080, "Week": 52, "Bi-Weekly": 26, "Month": 12}

df = pd.read_excel(sys.argv[1], engine="openpyxl")
df = df[df["JOB_TITLE"].notna()]
wage = pd.to_numeric(df["WAGE_RATE_OF_PAY_FROM"], errors="coerce")
df = df.assign(pay=wage * df["WAGE_UNIT_OF_PAY"].map(PER_YEAR)).dropna(subset=["pay"])
print(len(df), round(df["pay"].median(), 2))
