#!/usr/bin/python3
"""Writes the .xls fixtures (BIFF8, with python3-xlwt) and the CSV of the
same rows the tests compare them with. Synthetic rows in the shapes of a
BLS OEWS national table (May 2012 layout) and an FY2013 DOL LCA file.
Run from this directory: /usr/bin/python3 make_fixtures.py"""
import csv
import datetime
import random

import xlwt

rnd = random.Random(2012)

# OEWS national, May 2012 layout.
oews_header = ["OCC_CODE", "OCC_TITLE", "OCC_GROUP", "TOT_EMP", "EMP_PRSE", "H_MEAN", "A_MEAN", "MEAN_PRSE",
               "H_PCT10", "H_PCT25", "H_MEDIAN", "H_PCT75", "H_PCT90",
               "A_PCT10", "A_PCT25", "A_MEDIAN", "A_PCT75", "A_PCT90", "ANNUAL", "HOURLY"]
titles = ["Information Security Analysts", "Computer and Information Systems Managers", "Security Guards",
          "Software Developers, Applications", "Network and Computer Systems Administrators",
          "Computer Network Architects", "First-Line Supervisors of Security Workers",
          "Transportation Security Screeners", "Financial Analysts", "Management Analysts",
          "Chief Executives", "Airline Pilots, Copilots, and Flight Engineers", "Dancers", "Actors",
          "Résumé Writers (synthetic)", "Data Scientists and Mathematical Science Occupations, All Other"]
oews_rows = [["00-0000", "All Occupations", "total", 130287700, 0.1, 22.01, 45790, 0.1, 8.71, 10.81, 16.71, 27.02, 42.14,
              18130, 22490, 34750, 56200, 87650, "", ""]]
for i in range(300):
    t = titles[i % len(titles)] + ("" if i < len(titles) else " %d" % i)
    code = "%02d-%04d" % (11 + (i % 40), 1000 + i)
    emp = rnd.randint(900, 900000)
    med = rnd.uniform(10, 80)
    hp = [round(med * f, 2) for f in (0.55, 0.75, 1, 1.3, 1.6)]
    ap = [int(round(h * 2080, -1)) for h in hp]
    row = [code, t, "detailed", emp, round(rnd.uniform(0.5, 9), 1), round(med * 1.1, 2), int(round(med * 1.1 * 2080, -1)),
           round(rnd.uniform(0.2, 4), 1)] + hp + ap + ["", ""]
    if i % 17 == 3:  # top-coded: the published cap mark
        row[12], row[17] = "#", "#"
    if i % 23 == 5:  # an annual-only occupation
        row[5] = row[8] = row[9] = row[10] = row[11] = row[12] = "*"
        row[18] = "TRUE"
    if i % 31 == 7:  # a suppressed estimate
        row[3], row[4] = "**", "**"
    oews_rows.append(row)

# FY2013 DOL LCA layout.
lca_header = ["LCA_CASE_NUMBER", "STATUS", "LCA_CASE_SUBMIT", "DECISION_DATE", "LCA_CASE_EMPLOYER_NAME",
              "LCA_CASE_JOB_TITLE", "LCA_CASE_SOC_CODE", "LCA_CASE_WAGE_RATE_FROM", "LCA_CASE_WAGE_RATE_TO",
              "LCA_CASE_WAGE_RATE_UNIT", "FULL_TIME_POS", "LCA_CASE_WORKLOC1_STATE", "PW_1", "PW_UNIT_1"]
jobs = ["INFORMATION SECURITY ANALYST", "SR. SECURITY ENGINEER", "IT SECURITY MANAGER - REQ #40311",
        "SOFTWARE ENGINEER", "PROGRAMMER ANALYST", "Cyber Security Consultant (Remote)", "SECURITY ARCHITECT"]
lca_rows = []
for i in range(400):
    sub = datetime.date(2012, 10, 1) + datetime.timedelta(days=rnd.randint(0, 364))
    unit = rnd.choice(["Year", "Year", "Year", "Hour", "Week", "Month"])
    per = {"Year": 1, "Hour": 2080, "Week": 52, "Month": 12}[unit]
    wage = round(rnd.uniform(60000, 180000) / per, 2 if per > 1 else 0)
    to = round(wage * 1.2, 2) if i % 5 == 0 else ""
    lca_rows.append(["I-200-%05d-%06d" % (12275 + i % 90, 100000 + i), rnd.choice(["CERTIFIED", "CERTIFIED", "DENIED", "WITHDRAWN"]),
                     sub, sub + datetime.timedelta(days=7), rnd.choice(["ACME CORP.", "GLOBEX, INC.", "INITECH & CO", "Société Générale"]),
                     jobs[i % len(jobs)], "15-1122", wage, to, unit, rnd.choice(["Y", "Y", "N"]),
                     rnd.choice(["CA", "NY", "TX", "WA"]), round(wage * 0.9, 2), unit])


def write_xls(path, sheet, header, rows, styles):
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet(sheet)
    for c, h in enumerate(header):
        ws.write(0, c, h)
    for r, row in enumerate(rows, start=1):
        for c, v in enumerate(row):
            if v == "":
                continue
            st = styles.get(header[c])
            if st is not None and not isinstance(v, str):
                ws.write(r, c, v, st)
            else:
                ws.write(r, c, v)
    # A second sheet, as the BLS workbooks have.
    notes = wb.add_sheet("Field Descriptions")
    notes.write(0, 0, "Field")
    notes.write(0, 1, "Field Description")
    wb.save(path)


def write_csv(path, header, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        for row in rows:
            w.writerow([v.strftime("%m/%d/%Y") if isinstance(v, datetime.date) else v for v in row])


thousands = xlwt.easyxf(num_format_str="#,##0")
cents = xlwt.easyxf(num_format_str="0.00")
date = xlwt.easyxf(num_format_str="MM/DD/YYYY")
oews_styles = {h: thousands for h in oews_header if h.startswith("A_") or h == "TOT_EMP"}
oews_styles.update({h: cents for h in oews_header if h.startswith("H_")})
write_xls("national_M2012_dl.xls", "national_dl", oews_header, oews_rows, oews_styles)
write_csv("national_M2012_dl.csv", oews_header, oews_rows)
write_xls("H-1B_FY2013.xls", "H-1B_FY2013", lca_header, lca_rows, {"LCA_CASE_SUBMIT": date, "DECISION_DATE": date})
write_csv("H-1B_FY2013.csv", lca_header, lca_rows)
