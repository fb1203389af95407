#!/usr/bin/env python3
"""The straightforward pandas + matplotlib script a user would write to do
payband's job on an LCA-shaped CSV: load, pick the wage, annualize, map titles
with a few keyword rules, compute bands per family and year, draw a chart and
write the tables."""
import os
import re
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

PER_YEAR = {"hour": 2080, "day": 260, "week": 52, "bi-weekly": 26, "biweekly": 26,
            "semi-monthly": 24, "month": 12, "year": 1}

RULES = [
    ("ciso", r"\bciso\b|chief information security"),
    ("security-director", r"(director|head|vp|vice president).*(security|cyber)"),
    ("security-manager", r"(security|cyber|infosec|issm).*(manager|mgr)|(manager|mgr).*(security|cyber)"),
    ("security-architect", r"(security|cyber).*architect"),
    ("security-engineer", r"(security|cyber|devsecops).*(engineer|engr|eng)\b"),
    ("security-analyst", r"(security|cyber|soc).*analyst"),
]
EXCLUDE = r"securities|guard|loss prevention|physical|social security|homeland|safety"


def family(title):
    t = str(title).lower()
    if re.search(EXCLUDE, t):
        return ""
    for fam, pat in RULES:
        if re.search(pat, t):
            return fam
    return ""


def main(path, out):
    os.makedirs(out, exist_ok=True)
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    pay = pd.to_numeric(df["WAGE_RATE_OF_PAY_FROM"].str.replace(r"[$,]", "", regex=True), errors="coerce")
    unit = df["WAGE_UNIT_OF_PAY"].str.strip().str.lower()
    pw = pd.to_numeric(df["PREVAILING_WAGE"].str.replace(r"[$,]", "", regex=True), errors="coerce")
    pwunit = df["PW_UNIT_OF_PAY"].str.strip().str.lower()
    use_pw = pay.isna()
    df["pay"] = pay.where(~use_pw, pw) * unit.where(~use_pw, pwunit).map(PER_YEAR)
    df["year"] = pd.to_datetime(df["RECEIVED_DATE"], format="%m/%d/%Y", errors="coerce").dt.year
    df = df[(df["pay"] >= 10000) & (df["pay"] <= 2000000) & df["year"].notna() & (df["JOB_TITLE"] != "")]
    df = df.drop_duplicates("CASE_NUMBER")
    titles = pd.Series(df["JOB_TITLE"].unique())
    fmap = dict(zip(titles, titles.map(family)))
    df["family"] = df["JOB_TITLE"].map(fmap)
    df = df[df["family"] != ""]
    g = df.groupby(["family", "year"])["pay"]
    bands = g.describe(percentiles=[0.1, 0.25, 0.5, 0.75, 0.9])
    bands.to_csv(os.path.join(out, "bands.csv"))
    bands.reset_index().to_json(os.path.join(out, "bands.json"), orient="records")
    latest = df[df["year"] == df["year"].max()]
    fig, ax = plt.subplots(figsize=(12, 7))
    latest.boxplot(column="pay", by="family", ax=ax, vert=False, whis=[10, 90])
    fig.savefig(os.path.join(out, "band.png"))
    fig.savefig(os.path.join(out, "band.svg"))
    print(f"pandas: {len(df)} rows in bands, {len(bands)} bands")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
